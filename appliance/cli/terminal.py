"""What the CLI says to the person at the terminal, in the terminal's language (LANG=de_DE.UTF-8: German; C: English).

A command's messages are marked with `_()` (appliance/i18n.py) and said through `fail` (one line on standard
error, "floorcraft: ...", and the exit status) or `tell` (a line on standard output): both translate.
"""

from __future__ import annotations

import sys
from typing import Any

from appliance.i18n import for_terminal, message_of, translate


def said(message: Any) -> str:
    """`message` in the terminal's language (a plain str stays as it is)."""
    return str(translate(message, for_terminal()))


reason = message_of  # what an exception says, a Message kept one


def fail(message: Any, status: int = 2, command: str | None = None) -> int:
    """One line on standard error, "floorcraft: [COMMAND: ]MESSAGE", and the exit status to return."""
    print(f"floorcraft: {command + ': ' if command else ''}{said(message)}", file=sys.stderr)
    return status


def tell(message: Any, file=None, flush: bool = False) -> None:
    """A line for the person at the terminal (standard output unless `file`), in its language."""
    print(said(message), file=file or sys.stdout, flush=flush)
