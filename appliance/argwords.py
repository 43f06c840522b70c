"""argparse's own refusals (Python 3.11's English words) in the terminal's language, so that a bad flag under
LANG=de_DE.UTF-8 is one German line, as the commands' own refusals are. A message argparse words otherwise (a later
Python) is said as it is."""

from __future__ import annotations

import re

from appliance.i18n import N_, _
from appliance.terminal import said

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


def words(message: str) -> str:
    """What argparse said, in the terminal's language."""
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
