"""`floorcraft print DOC --event ID OUT.pdf`: one printed document of one event (read-only)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from appliance.box.export import write_atomically
from appliance.cli.terminal import fail, reason, tell
from appliance.db.store import StoreError, open_checked, utc_now
from appliance.errors import AppError
from appliance.i18n import _, for_terminal
from appliance.printing import box_key_text, data


def _fail(message) -> int:
    return fail(message, command="print")


def _unwritable(out: Path) -> str | None:
    """Why OUT cannot be written (checked before the seconds of rendering), or None."""
    folder = out.parent
    if out.is_dir():
        return _("{file} is a folder: name the PDF file to write", file=str(out))
    if not folder.is_dir():
        return _("there is no folder {folder}", folder=str(folder))
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        return _("cannot write {file}: permission denied", file=str(out))
    return None


def print_document(args: argparse.Namespace) -> int:
    out = Path(args.out)
    problem = _unwritable(out)
    if problem:
        return _fail(_("{reason}; nothing was written", reason=problem))
    try:
        conn = open_checked(args.settings.database_path)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        conn.execute("BEGIN")  # one snapshot: the checksum in the footer is the state the pages show
        key = box_key_text(Path(args.settings.data_dir))
        context = data.build(conn, args.event, args.doc, key, utc_now(), for_terminal())  # the terminal's language
    except AppError as exc:
        return _fail(_("{reason}; nothing was written", reason=exc.message))
    finally:
        conn.close()
    from appliance.printing import pdf  # WeasyPrint (0.8 s to import) loads only when a document prints

    body = pdf.render(context)
    try:
        write_atomically(out, body)
    except OSError as exc:
        return _fail(_("cannot write {file}: {reason}", file=str(out), reason=exc.strerror or str(exc)))
    tell(
        _(
            "wrote the {doc} of event {event} ({name}) to {file}",
            doc=args.doc,
            event=args.event,
            name=context["event"],
            file=str(out),
        )
    )
    return 0
