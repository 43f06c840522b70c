"""The `floorcraft federation ...` commands: read the database (read-only), write one results file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from appliance.box.export import write_atomically
from appliance.cli.terminal import fail, reason, tell
from appliance.db.store import StoreError, open_checked
from appliance.i18n import _


def _fail(message, command: str) -> int:
    return fail(message, command=f"federation {command}")


def _write(out: str, document) -> str | None:
    """Write the JSON file (UTF-8, names as they are); an error message, or None."""
    try:
        write_atomically(Path(out), (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode())
    except OSError as exc:
        return _("cannot write {file}: {reason}", file=out, reason=exc.strerror or str(exc))
    return None


def wdsf(args: argparse.Namespace) -> int:
    """`floorcraft federation wdsf --event ID --ids IDS.json OUT.json`: the WDSF results batch of one event."""
    from appliance.federation.wdsf import WdsfError, load_ids, results_payload

    try:
        ids = load_ids(Path(args.ids).read_bytes())
    except OSError as exc:
        return _fail(
            _("cannot read the ids file {file}: {reason}", file=args.ids, reason=exc.strerror or str(exc)), "wdsf"
        )
    except WdsfError as exc:
        return _fail(_("{reason} ({file})", reason=reason(exc), file=args.ids), "wdsf")
    try:
        conn = open_checked(args.settings.database_path)
    except StoreError as exc:
        return _fail(reason(exc), "wdsf")
    try:
        payload = results_payload(conn, args.event, ids)
    except WdsfError as exc:
        return _fail(_("{reason}; nothing was written", reason=reason(exc)), "wdsf")
    finally:
        conn.close()
    error = _write(args.out, payload)
    if error:
        return _fail(error, "wdsf")
    tell(
        _(
            "wrote the WDSF results of event {event} ({n} couples) to {file}",
            event=args.event,
            n=len(payload),
            file=args.out,
        )
    )
    return 0


def _write_sheets(folder: str, sheets: list[dict]) -> str | None:
    """One file per round (`wrzettel-<runde>.json`, the body of POST wrzetteldigi/{turnierId}/{runde})."""
    from appliance.federation.esv import serialise

    try:
        for one in sheets:
            (Path(folder) / f"wrzettel-{one['runde']}.json").write_bytes(serialise(one["body"]))
    except OSError as exc:
        why = exc.strerror or str(exc)
        return _("cannot write the judges' sheets into {folder}: {reason}", folder=folder, reason=why)
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
        return _fail(reason(exc), "esv")
    try:
        body = serialise(results_document(conn, args.event))
        sheets = judges_sheets(conn, args.event) if args.sheets else []
    except AppError as exc:
        return _fail(_("{reason}; nothing was written", reason=exc.message), "esv")
    finally:
        conn.close()
    if args.sheets and not Path(args.sheets).is_dir():
        return _fail(_("{folder} is not a folder; nothing was written", folder=args.sheets), "esv")
    try:
        write_atomically(Path(args.out), body)
    except OSError as exc:
        return _fail(_("cannot write {file}: {reason}", file=args.out, reason=exc.strerror or str(exc)), "esv")
    error = _write_sheets(args.sheets, sheets) if args.sheets else None
    if error:
        return _fail(error, "esv")
    tell(_("wrote the ESV results of event {event} to {file}", event=args.event, file=args.out))
    if sheets:
        signed = sum(1 for one in sheets for sheet in one["body"] if sheet is not None)
        tell(
            _(
                "wrote the judges' sheets of {rounds} rounds ({signed} signed and wholly digital) to {folder}",
                rounds=len(sheets),
                signed=signed,
                folder=args.sheets,
            )
        )
    print(f"X-DTV-Pruefsumme: {checksum(body)}")
    return 0
