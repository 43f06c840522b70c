"""The `floorcraft federation ...` commands: read the database (read-only), write one results file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from appliance.db.store import StoreError, open_checked
from appliance.export import write_atomically


def _fail(message: str) -> int:
    print(f"floorcraft: federation {message}", file=sys.stderr)
    return 2


def _write(out: str, document) -> str | None:
    """Write the JSON file (UTF-8, names as they are); an error message, or None."""
    try:
        write_atomically(Path(out), (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())
    except OSError as exc:
        return f"cannot write {out}: {exc.strerror or exc}"
    return None


def wdsf(args: argparse.Namespace) -> int:
    """`floorcraft federation wdsf --event ID --ids IDS.json OUT.json`: the WDSF results batch of one event."""
    from appliance.federation.wdsf import WdsfError, load_ids, results_payload

    try:
        ids = load_ids(Path(args.ids).read_bytes())
    except OSError as exc:
        return _fail(f"wdsf: cannot read the ids file {args.ids}: {exc.strerror or exc}")
    except WdsfError as exc:
        return _fail(f"wdsf: {exc} ({args.ids})")
    try:
        conn = open_checked(args.settings.database_path)
    except StoreError as exc:
        return _fail(f"wdsf: {exc}")
    try:
        payload = results_payload(conn, args.event, ids)
    except WdsfError as exc:
        return _fail(f"wdsf: {exc}; nothing was written")
    finally:
        conn.close()
    error = _write(args.out, payload)
    if error:
        return _fail(f"wdsf: {error}")
    print(f"wrote the WDSF results of event {args.event} ({len(payload)} couples) to {args.out}")
    return 0


def _write_sheets(folder: str, sheets: list[dict]) -> str | None:
    """One file per round (`wrzettel-<runde>.json`, the body of POST wrzetteldigi/{turnierId}/{runde})."""
    from appliance.federation.esv import serialise

    try:
        for one in sheets:
            (Path(folder) / f"wrzettel-{one['runde']}.json").write_bytes(serialise(one["body"]))
    except OSError as exc:
        return f"cannot write the judges' sheets into {folder}: {exc.strerror or exc}"
    return None


def esv(args: argparse.Namespace) -> int:
    """`floorcraft federation esv --event ID [--sheets DIR] OUT.json`: the DTV ESV results document, checked
    against its schema, and the checksum header value; with --sheets, the digital judges' sheets per round."""
    from appliance.errors import AppError
    from appliance.federation.esv import checksum, results_document, serialise
    from appliance.federation.esv_sheets import judges_sheets

    try:
        conn = open_checked(args.settings.database_path)
    except StoreError as exc:
        return _fail(f"esv: {exc}")
    try:
        body = serialise(results_document(conn, args.event))
        sheets = judges_sheets(conn, args.event) if args.sheets else []
    except AppError as exc:
        return _fail(f"esv: {exc.message}; nothing was written")
    finally:
        conn.close()
    if args.sheets and not Path(args.sheets).is_dir():
        return _fail(f"esv: {args.sheets} is not a folder; nothing was written")
    try:
        write_atomically(Path(args.out), body)
    except OSError as exc:
        return _fail(f"esv: cannot write {args.out}: {exc.strerror or exc}")
    error = _write_sheets(args.sheets, sheets) if args.sheets else None
    if error:
        return _fail(f"esv: {error}")
    print(f"wrote the ESV results of event {args.event} to {args.out}")
    if sheets:
        signed = sum(1 for one in sheets for sheet in one["body"] if sheet is not None)
        print(f"wrote the judges' sheets of {len(sheets)} rounds ({signed} signed and wholly digital) to {args.sheets}")
    print(f"X-DTV-Pruefsumme: {checksum(body)}")
    return 0
