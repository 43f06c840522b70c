"""`floorcraft print DOC --event ID OUT.pdf`: one printed document of one event (read-only)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from appliance.db.store import StoreError, open_checked, utc_now
from appliance.errors import AppError
from appliance.export import write_atomically
from appliance.printing import box_key_text, data


def _fail(message: str) -> int:
    print(f"floorcraft: print: {message}", file=sys.stderr)
    return 2


def _unwritable(out: Path) -> str | None:
    """Why OUT cannot be written (checked before the seconds of rendering), or None."""
    folder = out.parent
    if out.is_dir():
        return f"{out} is a folder: name the PDF file to write"
    if not folder.is_dir():
        return f"there is no folder {folder}"
    if not os.access(folder, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        return f"cannot write {out}: permission denied"
    return None


def print_document(args: argparse.Namespace) -> int:
    out = Path(args.out)
    problem = _unwritable(out)
    if problem:
        return _fail(f"{problem}; nothing was written")
    try:
        conn = open_checked(args.settings.database_path)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        conn.execute("BEGIN")  # one snapshot: the checksum in the footer is the state the pages show
        context = data.build(conn, args.event, args.doc, box_key_text(Path(args.settings.data_dir)), utc_now())
    except AppError as exc:
        return _fail(f"{exc.message}; nothing was written")
    finally:
        conn.close()
    from appliance.printing import pdf  # WeasyPrint (0.8 s to import) loads only when a document prints

    body = pdf.render(context)
    try:
        write_atomically(out, body)
    except OSError as exc:
        return _fail(f"cannot write {out}: {exc.strerror or exc}")
    print(f"wrote the {args.doc} of event {args.event} ({context['event']}) to {out}")
    return 0
