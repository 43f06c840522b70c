"""The `floorcraft` command line: parses arguments and calls one function per command (no logic here)."""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import sys

from appliance import __version__
from appliance.cli import commands, datacommands
from appliance.cli.argwords import HelpFormatter, see_help, words
from appliance.cli.terminal import fail, reason, said
from appliance.cloud import cli as cloud_cli
from appliance.i18n import _
from appliance.settings import SettingsError, load_settings

MAX_ID = 2**53  # as the API's ids: no number too large for SQLite reaches the database


class Parser(argparse.ArgumentParser):
    """Bad arguments: exit 2 with one line on standard error that says what is wrong (and how to get help)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **({"formatter_class": HelpFormatter} | kwargs))  # --help in the terminal's language

    def error(self, message: str):
        command = self.prog.removeprefix("floorcraft").strip()
        commands = {found.dest: list(found.choices or ()) for found in self._actions if found.nargs == argparse.PARSER}
        said_ = words(message, commands)
        self.exit(2, f"floorcraft: {command + ': ' if command else ''}{said_} ({see_help(self.prog)})\n")


def _whole(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(said(_("{text} is not a whole number", text=repr(text)))) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                said(_("{value} is out of range ({low} to {high})", value=value, low=low, high=high))
            )
        return value

    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(said(_("{text} is not a number of seconds", text=repr(text)))) from None
    if not (math.isfinite(value) and 0 <= value <= 3600):
        raise argparse.ArgumentTypeError(said(_("{text} is out of range (0 to 3600 seconds; 0: off)", text=text)))
    return value


def _pattern(regex: str, what: str):
    def parse(text: str) -> str:
        if not re.fullmatch(regex, text):
            raise argparse.ArgumentTypeError(said(_("{text} is not {what}", text=repr(text), what=what)))
        return text

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="floorcraft",
        description=_(
            "DanceSport competition scoring appliance. "
            "Settings come from FLOORCRAFT_* environment variables (see README)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"floorcraft {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help=_("run the appliance (web server, mDNS)"))
    serve.add_argument(
        "--demo", action="store_true", help=_("load the demo competition first if the database is empty")
    )
    serve.add_argument(
        "--simulate",
        type=_seconds,
        metavar="SECONDS",
        default=0,
        help=_("keep simulated judges marking, one floor step every SECONDS"),
    )
    serve.set_defaults(func=commands.serve)
    demo = sub.add_parser("demo", help=_("create the demo competition in the database"))
    demo.add_argument(
        "--simulate",
        action="store_true",
        help=_("then judge every event to its official result with simulated tablets, and exit"),
    )
    demo.set_defaults(func=commands.demo)
    skate = sub.add_parser("skate", help=_("compute one round from a JSON sheet of marks (Skating System)"))
    skate.add_argument("file", help=_("the sheet (JSON), or - for standard input"))
    skate.add_argument("--json", action="store_true", help=_("print the machine-readable result"))
    skate.set_defaults(func=commands.skate, needs_settings=False)
    enrol = sub.add_parser("enrol", help=_("print a one-time enrolment QR code for a device"))
    enrol.add_argument("--role", required=True, choices=["scrutineer", "chair", "adjudicator", "display"])
    enrol.add_argument(
        "--judge",
        type=_pattern(r"[A-Z]{1,2}", _("a judge letter (A to Z, AA to ZZ)")),
        help=_("the judge letter (adjudicator)"),
    )
    enrol.add_argument("--competition", type=_whole(1, MAX_ID), help=_("the competition's id"))
    enrol.set_defaults(func=commands.enrol)
    verify = sub.add_parser("verify", help=_("recompute the change log's hash chain; name the first broken row"))
    verify.set_defaults(func=datacommands.verify)
    imp = sub.add_parser("import-entries", help=_("import couples and their entries from a CSV file"))
    imp.add_argument("file", help=_("CSV with a header: leader,follower,club,country,events (events split by ;)"))
    imp.add_argument("--competition", type=_whole(1, MAX_ID), required=True, help=_("the competition's id"))
    imp.add_argument("--skip-invalid", action="store_true", help=_("import the good rows of a file with errors"))
    imp.set_defaults(func=commands.import_entries)
    exp = sub.add_parser("export", help=_("export results, the change log and a sealed backup, with a signed manifest"))
    exp.add_argument("target", help=_("the folder to write into (the USB stick's mount point)"))
    exp.set_defaults(func=datacommands.export_to)
    check = sub.add_parser("verify-export", help=_("check an export offline: complete, signed, every checksum"))
    check.add_argument("folder")
    check.add_argument(
        "--key",
        type=_pattern(r"[A-Za-z0-9_-]{43}", _("a box key (43 characters of base64url)")),
        help=_("the box's public key (printed on its results) to insist on"),
    )
    check.set_defaults(func=datacommands.verify_export, needs_settings=False)
    back = sub.add_parser("backup", help=_("write a checked online backup into DATA_DIR/backups (rolling)"))
    back.add_argument("--keep", type=_whole(1, 10_000), default=24, help=_("how many backups to keep (1 to 10000)"))
    back.set_defaults(func=datacommands.backup)
    rest = sub.add_parser("restore", help=_("put a backup in place of the database (stop the server first)"))
    rest.add_argument("file", help=_("a backup: from DATA_DIR/backups, or an export's sealed backup"))
    rest.add_argument("--passphrase-file", help=_("a file holding a sealed backup's passphrase (else asked for)"))
    rest.set_defaults(func=datacommands.restore)
    cloud_cli.add_parsers(sub, _whole, commands.cloud)
    _federation(sub)
    _print(sub)
    return parser


def _document(text: str) -> str:
    from appliance.printing import DOCS, unknown_document

    if text not in DOCS:
        raise argparse.ArgumentTypeError(said(unknown_document(text)))
    return text


def _print(sub) -> None:
    """`floorcraft print DOC --event ID OUT.pdf`: a printed document (appliance/printing/), read-only."""
    from appliance.printing import DOCS
    from appliance.printing import cli as printing_cli

    doc = sub.add_parser("print", help=_("write a printed document of one event as an A4 PDF (read-only)"))
    doc.add_argument("doc", type=_document, metavar="DOC", help=_("one of {documents}", documents=", ".join(DOCS)))
    doc.add_argument("--event", type=_whole(1, MAX_ID), required=True, help=_("the event's id"))
    doc.add_argument("out", metavar="OUT.pdf", help=_("the PDF file to write"))
    doc.set_defaults(func=printing_cli.print_document)


def _federation(sub) -> None:
    """`floorcraft federation esv|wdsf ...`: the results files a federation takes (appliance/federation/)."""
    from appliance.federation import cli as federation_cli

    federation = sub.add_parser("federation", help=_("write the results file a federation takes (ESV, WDSF)"))
    formats = federation.add_subparsers(dest="format", required=True)
    wdsf = formats.add_parser("wdsf", help=_("the WDSF API results batch of one event (PUT result/{competitionId})"))
    wdsf.add_argument("--event", type=_whole(1, MAX_ID), required=True, help=_("the event's id"))
    wdsf.add_argument(
        "--ids",
        required=True,
        help=_("JSON file of the WDSF's ids: competitionId, officials (judge letter -> id), participants (bib -> id)"),
    )
    wdsf.add_argument("out", help=_("the JSON file to write"))
    wdsf.set_defaults(func=federation_cli.wdsf)
    esv = formats.add_parser("esv", help=_("the DTV ESV results document of one event (level 2), and its checksum"))
    esv.add_argument("--event", type=_whole(1, MAX_ID), required=True, help=_("the event's id"))
    esv.add_argument("out", help=_("the JSON file to write (compact UTF-8: the checksum is over its bytes)"))
    esv.add_argument("--sheets", metavar="DIR", help=_("also write the digital judges' sheets, one file per round"))
    esv.set_defaults(func=federation_cli.esv)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "needs_settings", True):
        try:
            args.settings = load_settings()
        except SettingsError as exc:
            return fail(reason(exc))
    try:
        result = args.func(args)
        code = asyncio.run(result) if asyncio.iscoroutine(result) else result
        sys.stdout.flush()  # here, not at exit: a reader that has gone is seen below
        return code
    except BrokenPipeError:  # `floorcraft verify | head`: the reader has gone, nothing more to say, no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit must not fail
        return 1  # not all of the output was read


if __name__ == "__main__":
    sys.exit(main())
