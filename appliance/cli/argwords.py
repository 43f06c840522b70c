"""argparse's own words (Python 3.11's English) in the terminal's language, so that a bad flag under
LANG=de_DE.UTF-8 is one German line, as the commands' own refusals are, and `--help` is German through and through
(our help texts, marked with `_()`, and argparse's headings: `HelpFormatter`). A message argparse words otherwise (a
later Python) is said as it is."""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence

from appliance.cli.terminal import said
from appliance.i18n import N_, Message, _

WORDS = (
    (r"the following arguments are required: (?P<names>.+)", N_("the following arguments are required: {names}")),
    (r"unrecognized arguments: (?P<args>.+)", N_("unrecognized arguments: {args}")),
    (
        r"invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)",
        N_("invalid choice: {value} (choose from {choices})"),
    ),
    (r"expected one argument", N_("expected one argument")),
    (r"expected at most one argument", N_("expected at most one argument")),
    (r"expected at least one argument", N_("expected at least one argument")),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", N_("invalid {type} value: {value}")),
    (
        r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)",
        N_("ambiguous option: {option} could match {matches}"),
    ),
    (r"not allowed with argument (?P<other>.+)", N_("not allowed with argument {other}")),
    (r"one of the arguments (?P<names>.+) is required", N_("one of the arguments {names} is required")),
)
ARGUMENT = re.compile(r"argument (?P<name>[^:\s]+): (?P<problem>.+)", re.S)
REQUIRED = re.compile(r"the following arguments are required: (?P<names>.+)", re.S)
HEADINGS = {  # argparse's own words in a help text
    "usage: ": N_("usage: "),
    "positional arguments": N_("positional arguments"),
    "options": N_("options"),
    "show this help message and exit": N_("show this help message and exit"),
    "show program's version number and exit": N_("show program's version number and exit"),
}


def words(message: str, commands: Mapping[str, Sequence[str]] | None = None) -> str:
    """What argparse said, in the terminal's language; a missing sub-command (argparse names it by its internal
    name, a key of `commands`: the sub-commands by the name argparse gives them) is named in words."""
    missing = REQUIRED.fullmatch(message)
    if missing and commands and missing["names"] in commands:
        return said(_("a command is missing: one of {commands}", commands=", ".join(commands[missing["names"]])))
    argument = ARGUMENT.fullmatch(message)
    if argument:
        return said(_("argument {name}: {problem}", name=argument["name"], problem=words(argument["problem"])))
    for pattern, msgid in WORDS:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            return said(_(msgid, **found.groupdict()))
    return message


def see_help(prog: str) -> str:
    return said(_("see {command} --help", command=prog))


def help_words(text: str | None) -> str | None:
    """A help text in the terminal's language: ours (a Message) or argparse's own (HEADINGS); else as it is."""
    if isinstance(text, Message):
        return said(text)
    msgid = HEADINGS.get(text or "")
    return said(_(msgid)) if msgid else text


class HelpFormatter(argparse.HelpFormatter):
    """`--help` in the terminal's language: descriptions, help texts and argparse's headings (under the C locale,
    argparse's English exactly)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return help_words(action.help)

    def _format_text(self, text: str) -> str:
        return super()._format_text(help_words(text) or "")

    def start_section(self, heading: str | None) -> None:
        super().start_section(help_words(heading))

    def add_usage(self, usage, actions, groups, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, help_words("usage: ") if prefix is None else prefix)
