"""Exports to a USB stick (or any folder): results, the change log, an encrypted backup, and a signed manifest.

Nothing secret leaves the box on a stick: the export holds the results (JSON, CSV, printable HTML with every
mark, and the printed documents as PDF: `appliance/printing/`, the judges' blank sheets of the rounds still to judge
among them) and the change log (no payload holds a key, secret,
token or PIN), never the raw database (device keys, enrolment secrets, registration tokens, the chair's PIN hash).
A full backup goes onto the stick only when the organiser set FLOORCRAFT_BACKUP_PASSPHRASE_FILE, and then only
encrypted with that passphrase (`sealed.py`); without it the manifest says there is no backup.

Every file is written under a temporary name, fsynced and renamed, so a stick pulled out half-way never
holds a file that looks complete. The manifest is written first, marked incomplete, and rewritten at the
end with the SHA-256 of every file, marked complete and signed with the box's Ed25519 key: an export
whose manifest says incomplete (or whose signature or checksums do not match) is not to be trusted.
`verify_export` checks all of that offline, and the change log's hash chain up to the signed head.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from appliance import csvsafe
from appliance.cli import calculator
from appliance.db import changelog
from appliance.db import competitions as comp_db
from appliance.db import rounds as rounds_db
from appliance.db.store import Store, check_integrity, connect
from appliance.i18n import SOURCE, _, translate
from appliance.model.marks import EventResults
from appliance.scoring.standings import label
from appliance.services import results
from appliance.trust import checkpoints, crypto, sealed
from appliance.words import round_name

if TYPE_CHECKING:  # `cryptography` loads at the first signature or check, not with the server
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

MANIFEST = "MANIFEST.json"
CHANGE_LOG = "change_log.jsonl"
SEALED_BACKUP = "floorcraft-backup.sqlite3.sealed"
NO_BACKUP = _("none: FLOORCRAFT_BACKUP_PASSPHRASE_FILE is not set (a backup leaves the box only encrypted)")


class ExportError(RuntimeError):
    pass


def box_key(data_dir: Path) -> Ed25519PrivateKey:
    """The box's signing key (made on first use, readable by the box's user only)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = Path(data_dir) / "box_ed25519.key"
    if path.exists():
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes_raw()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    checkpoints.give_to_folder_owner(fd, path.parent)
    with os.fdopen(fd, "wb") as out:
        out.write(raw)
        out.flush()
        os.fsync(out.fileno())
    return key


def public_key_text(key: Ed25519PrivateKey) -> str:
    return crypto.b64u(key.public_key().public_bytes_raw())


def write_atomically(path: Path, data: bytes) -> None:
    """Temporary name, fsync, rename, fsync the folder: the file is either whole or absent."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
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


def _placings_html(standings: EventResults, language: str) -> str:
    """An event's places for everyone ("13.-24."), couples out early below all who went further."""

    def say(text: Any) -> str:
        return html.escape(translate(text, language))

    rows = "".join(
        f"<tr><td>{label(p.place_from, p.place_to)}</td><td>{p.bib}</td><td>{html.escape(p.leader)} / "
        f"{html.escape(p.follower)}</td><td>{say(round_name(p.round))}</td>"
        f"<td>{'' if p.crosses is None else p.crosses}</td></tr>"
        for p in standings.placings
    )
    event = standings.event
    heading = _("{event}: places (official)", event=event) if standings.official else _("{event}: places", event=event)
    heads = (_("Place"), _("Bib"), _("Couple"), _("Out in"), _("Crosses"))
    return (
        f"<section><h2>{say(heading)}</h2>"
        f"<table><tr>{''.join(f'<th>{say(h)}</th>' for h in heads)}</tr>"
        f"{rows}</table></section>"
    )


def _round_html(event: str, name: str, official: bool, report: str, checksums: dict, language: str) -> str:
    """A computed round's section: the calculator's report (its tables) and the sheets' checksums."""
    named = {"event": event, "round": round_name(name)}
    heading = translate(
        _("{event}: {round} (official)", **named) if official else _("{event}: {round}", **named), language
    )
    sums = translate(_("Sheet checksums: {checksums}", checksums=json.dumps(checksums)), language)
    return (
        f"<section><h2>{html.escape(heading)}</h2><pre>{html.escape(report)}</pre><p>{html.escape(sums)}</p></section>"
    )


def results_documents(conn: sqlite3.Connection, language: str = SOURCE) -> dict[str, bytes]:
    """results.json, results.csv and results.html (in `language`, the CSV's and JSON's keys in English): every
    placing, every mark, every explanation."""
    events, rounds_out = [], []
    table = io.StringIO()
    writer = csvsafe.writer(table)
    writer.writerow(
        ["competition", "event", "place", "place_to", "bib", "leader", "follower", "round", "crosses", "official"]
    )
    parts = []
    for competition in comp_db.list_competitions(conn):
        for event in comp_db.list_events(conn, competition.id):
            standings = results.event_results(conn, event.id)
            events.append({"competition": competition.name, **msgspec.to_builtins(standings)})
            if standings.placings:
                parts.append(_placings_html(standings, language))
            for p in standings.placings:
                writer.writerow(
                    [
                        competition.name,
                        event.name,
                        p.place_from,
                        p.place_to,
                        p.bib,
                        p.leader,
                        p.follower,
                        p.round,
                        p.crosses if p.crosses is not None else "",
                        standings.official,
                    ]
                )
    for competition, event, row in _rounds(conn):
        result = results.round_result(conn, row["id"])
        sheet = results.skate_sheet(conn, row["id"])
        report = calculator.to_report(
            calculator.parse_sheet(json.dumps(sheet).encode()),
            calculator.compute(calculator.parse_sheet(json.dumps(sheet).encode())),
            lambda words: translate(words, language),
        )
        rounds_out.append(
            {
                "competition": competition.name,
                "event": event.name,
                "round": row["name"],
                "result": msgspec.to_builtins(result),
                "marks": sheet,
            }
        )
        parts.append(_round_html(event.name, row["name"], result.official, report, result.sheet_checksums, language))
    title = html.escape(translate(_("Results"), language))
    page = (
        f"<!doctype html><html lang='{language}'><meta charset='utf-8'><title>{title}</title><style>"
        "body{font-family:sans-serif} pre{font-size:10pt} section{page-break-inside:avoid}"
        f"</style><h1>{title}</h1>" + "".join(parts) + "</html>"
    )
    return {
        "results.json": json.dumps({"events": events, "rounds": rounds_out}, indent=1).encode(),
        "results.csv": table.getvalue().encode(),
        "results.html": page.encode(),
    }


PRINTED = ("results", "marks", "chair-report", "couples", "draw")
"""The printed documents on the stick (PDF, per event with a computed round)."""
BLANK_SHEETS = "judges-sheets"
"""And per event with a round drawn and not computed yet, the judges' blank sheets of those rounds (the paper
fallback, printable from the stick on any computer should the tablets fail)."""


def printed_documents(store: Store, box_key_text: str, data_dir: Path, language: str = SOURCE) -> dict[str, bytes]:
    """`event-ID-DOC.pdf` for every event with a computed round, and `event-ID-judges-sheets.pdf` for every event
    with a round still to judge: read in one snapshot, rendered after it. Each is stamped with the time of the box's
    last change (the state it shows), so an unchanged event's PDF is the one kept from the last export
    (appliance/printing/kept.py): on a Pi an export re-renders only what changed."""
    from appliance.printing import data, pdf  # WeasyPrint loads only when an export prints

    def contexts(conn: sqlite3.Connection) -> dict[str, dict]:
        at = changelog.last_change_at(conn) or store.clock()
        found = {
            f"event-{event.id}-{doc}.pdf": data.build(conn, event.id, doc, box_key_text, at, language)
            for _, event, _ in _first_round_per_event(conn)
            for doc in PRINTED
        }
        for competition in comp_db.list_competitions(conn):
            for event in comp_db.list_events(conn, competition.id):
                blank = data.blank_sheets(conn, event.id, box_key_text, at, language)
                if blank is not None:
                    found[f"event-{event.id}-{BLANK_SHEETS}.pdf"] = blank
        return found

    kept = pdf.kept(data_dir)
    rendered = {name: kept.pdf(pdf.html(context)) for name, context in store.read_sync(contexts).items()}
    kept.forget_the_rest()
    return rendered


def _first_round_per_event(conn: sqlite3.Connection):
    seen = set()
    for competition, event, row in _rounds(conn):
        if event.id not in seen:
            seen.add(event.id)
            yield competition, event, row


def export(store: Store, data_dir: Path, target: Path, passphrase: str | None = None, language: str = SOURCE) -> Path:
    """Write one export folder into `target`; returns it. Raises OSError if the stick fails (full, pulled).

    With a passphrase the folder also gets a full backup sealed with it; without, none (the manifest says so).
    The documents people read (results.html, the PDFs) are in `language`: the asker's (the CLI: the terminal's).
    """
    key = box_key(data_dir)
    head = store.read_sync(changelog.head)
    folder = Path(target) / f"floorcraft-export-{head[0]:08d}"
    folder.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "format": "floorcraft-export/2",
        "complete": False,
        "change_log_head": {"seq": head[0], "hash": head[1]},
        "box_public_key": public_key_text(key),
        "files": {},
        "backup": str(NO_BACKUP),  # the manifest says it in English (a machine format)
    }
    write_atomically(folder / MANIFEST, _manifest_bytes(manifest))
    documents = store.read_sync(lambda conn: results_documents(conn, language))
    documents.update(printed_documents(store, public_key_text(key), Path(data_dir), language))
    documents[CHANGE_LOG] = store.read_sync(lambda conn: _change_log_lines(conn, head[0]))
    documents[checkpoints.FILE] = checkpoints.for_export(
        Path(data_dir), key, head, store.clock(), lambda seq: store.read_sync(lambda conn: changelog.row_at(conn, seq))
    )
    for name, data in documents.items():
        write_atomically(folder / name, data)
        manifest["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    (folder / "floorcraft.sqlite3").unlink(missing_ok=True)  # an older export's raw database: never leave it
    if passphrase is not None:
        manifest["files"][SEALED_BACKUP] = sealed_backup_to(
            store.path, Path(data_dir), folder / SEALED_BACKUP, passphrase
        )
        manifest["backup"] = {
            "file": SEALED_BACKUP,
            "sealed": "scrypt + AES-256-GCM (floorcraft restore asks for the passphrase)",
        }
    manifest["complete"] = True
    manifest["signature"] = crypto.b64u(key.sign(_manifest_bytes(manifest)))
    write_atomically(folder / MANIFEST, _manifest_bytes(manifest))
    return folder


def sealed_backup_to(database: Path, data_dir: Path, path: Path, passphrase: str) -> dict:
    """A checked backup made on the box (never in plain on the stick), sealed with the passphrase onto `path`."""
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".export-") as scratch:
        plain = Path(scratch) / "backup.sqlite3"
        backup_to(database, plain)
        sealed.seal_file(plain, path, passphrase)
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        for block in iter(lambda: src.read(1 << 20), b""):
            digest.update(block)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def _change_log_lines(conn: sqlite3.Connection, up_to: int) -> bytes:
    rows = conn.execute(
        "SELECT seq, kind, entity, payload, at, prev_hash, hash FROM change_log WHERE seq <= ? ORDER BY seq", (up_to,)
    )
    names = ("seq", "kind", "entity", "payload", "at", "prev_hash", "hash")
    return b"".join(
        json.dumps(dict(zip(names, tuple(r), strict=True)), separators=(",", ":")).encode() + b"\n" for r in rows
    )


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


def exports_in(path: Path) -> list[Path]:
    """The exports `path` names: itself if it is one (it has a manifest), else the floorcraft-export-* folders in it
    (a stick's root)."""
    if (path / MANIFEST).exists():
        return [path]
    return sorted(p for p in path.glob("floorcraft-export-*") if p.is_dir())


def verify_export(folder: Path, expected_key: str | None = None) -> list[str]:
    """Every problem with an export (empty list: complete, signed, intact)."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError) as exc:
        return [_("no readable {file}: {reason}", file=MANIFEST, reason=str(exc))]
    problems: list[str] = []
    if not manifest.get("complete"):
        problems.append(_("the export is INCOMPLETE (interrupted: stick pulled, full or the box stopped)"))
    signature = manifest.pop("signature", None)
    key_text = manifest.get("box_public_key", "")
    if expected_key is not None and key_text != expected_key:
        problems.append(_("signed by another box's key"))
    if signature is None:
        problems.append(_("the manifest is not signed"))
    else:
        try:
            crypto.ed25519_verify(crypto.unb64u(key_text), crypto.unb64u(signature), _manifest_bytes(manifest))
        except ValueError:
            problems.append(_("the manifest's signature does not match (altered?)"))
    for name, meta in manifest.get("files", {}).items():
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            problems.append(_("suspicious file name {name}", name=repr(name)))
            continue
        path = folder / name
        if not path.exists():
            problems.append(_("{name} is missing", name=name))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != meta["sha256"]:
            problems.append(_("{name} does not match its checksum (altered or damaged)", name=name))
    if manifest.get("complete") and CHANGE_LOG in manifest.get("files", {}) and (folder / CHANGE_LOG).exists():
        problem = check_change_log(folder / CHANGE_LOG, manifest.get("change_log_head") or {})
        if problem:
            problems.append(problem)
        if checkpoints.FILE in manifest.get("files", {}) and (folder / checkpoints.FILE).exists():
            problems += checkpoints.check_export(folder, key_text, CHANGE_LOG)  # signed heads (issue #9 point 10)
    return problems


def check_change_log(path: Path, head: dict) -> str | None:
    """Recompute the exported change log's hash chain; it must end at the manifest's (signed) head."""
    prev, seq = changelog.GENESIS, 0
    with open(path, "rb") as lines:
        for number, line in enumerate(lines, 1):
            try:
                row = json.loads(line)
                fields = (row["seq"], row["kind"], row["entity"], row["payload"], row["at"], row["prev_hash"])
                stored = row["hash"]
            except (ValueError, KeyError, TypeError):
                return _("{file} line {number} is not a change-log row", file=CHANGE_LOG, number=number)
            seq = fields[0]
            if fields[5] != prev:
                return _("the change log chain is broken at seq {seq} (a row was removed or inserted)", seq=seq)
            if changelog.row_hash(*fields) != stored:
                return _("the change log chain is broken at seq {seq} (the row was altered)", seq=seq)
            prev = stored
    if (seq, prev) != (head.get("seq"), head.get("hash")):
        return _("the change log ends at seq {seq}, not at the manifest's head (rows removed or added)", seq=seq)
    return None
