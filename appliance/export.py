"""Exports to a USB stick (or any folder): results, the change log, a backup, and a signed manifest.

Every file is written under a temporary name, fsynced and renamed, so a stick pulled out half-way never
holds a file that looks complete. The manifest is written first, marked incomplete, and rewritten at the
end with the SHA-256 of every file, marked complete and signed with the box's Ed25519 key: an export
whose manifest says incomplete (or whose signature or checksums do not match) is not to be trusted.
`verify_export` checks all of that offline.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import re
import sqlite3
from pathlib import Path

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from appliance import calculator, crypto
from appliance.db import changelog
from appliance.db import competitions as comp_db
from appliance.db import rounds as rounds_db
from appliance.db.store import Store, check_integrity, connect
from appliance.services import results

MANIFEST = "MANIFEST.json"


class ExportError(RuntimeError):
    pass


def box_key(data_dir: Path) -> Ed25519PrivateKey:
    """The box's signing key (made on first use, readable by the box's user only)."""
    path = Path(data_dir) / "box_ed25519.key"
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    return crypto.b64u(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def write_atomically(path: Path, data: bytes) -> None:
    """Temporary name, fsync, rename, fsync the folder: the file is either whole or absent."""
    temporary = path.with_name(f".{path.name}.partial")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def _rounds(conn: sqlite3.Connection):
    for competition in comp_db.list_competitions(conn):
        for event in comp_db.list_events(conn, competition.id):
            for row in rounds_db.rounds_of(conn, event.id):
                if conn.execute("SELECT 1 FROM results WHERE round_id = ?", (row["id"],)).fetchone():
                    yield competition, event, row


def results_documents(conn: sqlite3.Connection) -> dict[str, bytes]:
    """results.json, results.csv and results.html: every placing, every mark, every explanation."""
    events, rounds_out = [], []
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["competition", "event", "place", "place_to", "bib", "leader", "follower", "round", "crosses",
                     "official"])
    parts = []
    for competition in comp_db.list_competitions(conn):
        for event in comp_db.list_events(conn, competition.id):
            standings = results.event_results(conn, event.id)
            events.append({"competition": competition.name, **msgspec.to_builtins(standings)})
            for p in standings.placings:
                writer.writerow([competition.name, event.name, p.place_from, p.place_to, p.bib, p.leader,
                                 p.follower, p.round, p.crosses if p.crosses is not None else "", standings.official])
    for competition, event, row in _rounds(conn):
        result = results.round_result(conn, row["id"])
        sheet = results.skate_sheet(conn, row["id"])
        report = calculator.to_report(calculator.parse_sheet(json.dumps(sheet).encode()),
                                      calculator.compute(calculator.parse_sheet(json.dumps(sheet).encode())))
        rounds_out.append({"competition": competition.name, "event": event.name, "round": row["name"],
                           "result": msgspec.to_builtins(result), "marks": sheet})
        parts.append(f"<section><h2>{html.escape(event.name)}: {html.escape(row['name'])}"
                     f"{' (official)' if result.official else ''}</h2><pre>{html.escape(report)}</pre>"
                     f"<p>Sheet checksums: {html.escape(json.dumps(result.sheet_checksums))}</p></section>")
    page = ("<!doctype html><html lang='en'><meta charset='utf-8'><title>Results</title><style>"
            "body{font-family:sans-serif} pre{font-size:10pt} section{page-break-inside:avoid}"
            "</style><h1>Results</h1>" + "".join(parts) + "</html>")
    return {
        "results.json": json.dumps({"events": events, "rounds": rounds_out}, indent=1).encode(),
        "results.csv": table.getvalue().encode(),
        "results.html": page.encode(),
    }


def export(store: Store, data_dir: Path, target: Path) -> Path:
    """Write one export folder into `target`; returns it. Raises OSError if the stick fails (full, pulled)."""
    key = box_key(data_dir)
    head = store.read_sync(changelog.head)
    folder = Path(target) / f"floorcraft-export-{head[0]:08d}"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": "floorcraft-export/1", "complete": False, "change_log_head": {"seq": head[0],
                "hash": head[1]}, "box_public_key": public_key_text(key), "files": {}}
    write_atomically(folder / MANIFEST, _manifest_bytes(manifest))
    documents = store.read_sync(results_documents)
    documents["change_log.jsonl"] = store.read_sync(_change_log_lines)
    for name, data in documents.items():
        write_atomically(folder / name, data)
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    backup = backup_to(store.path, folder / "floorcraft.sqlite3")
    manifest["files"]["floorcraft.sqlite3"] = backup
    manifest["complete"] = True
    manifest["signature"] = crypto.b64u(key.sign(_manifest_bytes(manifest)))
    write_atomically(folder / MANIFEST, _manifest_bytes(manifest))
    return folder


def _change_log_lines(conn: sqlite3.Connection) -> bytes:
    rows = conn.execute("SELECT seq, kind, entity, payload, at, prev_hash, hash FROM change_log ORDER BY seq")
    return b"".join(json.dumps(dict(zip(("seq", "kind", "entity", "payload", "at", "prev_hash", "hash"), tuple(r))),
                               separators=(",", ":")).encode() + b"\n" for r in rows)


def backup_to(database: Path, path: Path) -> dict:
    """An online backup (SQLite backup API) under a temporary name, integrity-checked, fsynced, renamed."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    source = connect(database, readonly=True)
    target = sqlite3.connect(temporary)
    try:
        source.backup(target, pages=256)
        target.execute("PRAGMA journal_mode = DELETE")
        check_integrity(target, temporary)
    finally:
        target.close()
        source.close()
    with open(temporary, "rb+") as out:
        os.fsync(out.fileno())
    os.replace(temporary, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"sha256": digest, "bytes": path.stat().st_size}


def verify_export(folder: Path, expected_key: str | None = None) -> list[str]:
    """Every problem with an export (empty list: complete, signed, intact)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError) as exc:
        return [f"no readable {MANIFEST}: {exc}"]
    problems = []
    if not manifest.get("complete"):
        problems.append("the export is INCOMPLETE (interrupted: stick pulled, full or the box stopped)")
    signature = manifest.pop("signature", None)
    key_text = manifest.get("box_public_key", "")
    if expected_key is not None and key_text != expected_key:
        problems.append("signed by another box's key")
    if signature is None:
        problems.append("the manifest is not signed")
    else:
        try:
            Ed25519PublicKey.from_public_bytes(crypto.unb64u(key_text)).verify(
                crypto.unb64u(signature), _manifest_bytes(manifest))
        except (InvalidSignature, ValueError):
            problems.append("the manifest's signature does not match (altered?)")
    for name, meta in manifest.get("files", {}).items():
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            problems.append(f"suspicious file name {name!r}")
            continue
        path = folder / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != meta["sha256"]:
            problems.append(f"{name} does not match its checksum (altered or damaged)")
    if manifest.get("complete") and (folder / "floorcraft.sqlite3").exists():
        conn = connect(folder / "floorcraft.sqlite3", readonly=True)
        try:
            if changelog.verify(conn)[1] is not None:
                problems.append("the backup's change log chain is broken")
        finally:
            conn.close()
    return problems
