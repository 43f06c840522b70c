"""`floorcraft verify`: the hash chain, the signed checkpoints outside the database, and every derived table
rebuilt from the log and compared row by row. Read-only: it never writes the database or the data dir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec

from appliance.db import changelog, replay, replay_compare
from appliance.i18n import _, message_of
from appliance.trust import checkpoints


class Report(msgspec.Struct):
    notes: list[str] = msgspec.field(default_factory=list)  # what was checked and found intact
    problems: list[str] = msgspec.field(default_factory=list)  # each one names what was altered or removed
    # what could not be checked, and why (a file verify may not read, a damaged key, another box's key): not tampering
    unchecked: list[str] = msgspec.field(default_factory=list)


def check_checkpoints(conn: sqlite3.Connection, data_dir: Path, report: Report) -> None:
    path = Path(data_dir) / checkpoints.FILE
    if not path.exists():
        report.notes.append(
            _(
                "no {file} yet: nothing is anchored outside the database (a deleted tail of the log could not be seen)",
                file=checkpoints.FILE,
            )
        )
        return
    loaded = _load(data_dir, report)
    if loaded is None:
        return
    entries, key = loaded
    if key is None and entries:
        report.problems.append(
            _(
                "the box key ({file}) is missing: the checkpoints' signatures cannot be checked",
                file=checkpoints.KEY_FILE,
            )
        )
    key = _signing_key(entries, key, data_dir, report)
    seq, _hash = changelog.head(conn)
    found = checkpoints.check(entries, key, lambda s: changelog.row_at(conn, s), seq)
    report.problems += found
    latest = checkpoints.newest(entries)
    if not found and latest is not None and key is not None:
        report.notes.append(
            _(
                "checkpoints: {count} signed by the box, the newest at seq {seq} ({at}); "
                "the log holds every one of them",
                count=len(entries),
                seq=latest["seq"],
                at=latest["at"],
            )
        )


def _signing_key(entries: list, key, data_dir: Path, report: Report):
    """The key to check the signatures with: None (and said once) when it is not the one they were signed with."""
    if key is None or checkpoints.signed_by(entries, key, data_dir):
        return key
    report.unchecked.append(
        _(
            "the box key is not the one these checkpoints were signed with ({file} was replaced, e.g. by "
            "another box's key): put this box's key back from a backup of the data folder; the log was "
            "checked against the checkpoints without their signatures",
            file=checkpoints.KEY_FILE,
        )
    )
    return None


def _load(data_dir: Path, report: Report):
    """(the checkpoints, the box's public key), or None with the reason in the report."""
    try:
        return checkpoints.read(Path(data_dir) / checkpoints.FILE), checkpoints.public_key(data_dir)
    except (OSError, ValueError) as exc:
        _said_unreadable(exc, Path(data_dir) / checkpoints.KEY_FILE, report)
        return None


def _said_unreadable(exc: OSError | ValueError, key: Path, report: Report) -> None:
    """In plain words, no library text: a file verify may not read (permission), one that is not a readable file
    (a folder, a disk error), or a damaged key (the wrong length: `cryptography`'s ValueError)."""
    if isinstance(exc, PermissionError):
        said = _("permission denied reading {path}: run verify as the box's user or root", path=exc.filename or key)
    elif isinstance(exc, OSError):
        said = _("cannot read {path}: it is not a readable file (a folder, or a disk error)", path=exc.filename or key)
    else:
        said = _(
            "the box key {path} is damaged (not a 32-byte Ed25519 key): the checkpoints' signatures cannot be "
            "checked; put the key back from a backup of the data folder",
            path=str(key),
        )
    report.unchecked.append(said)


def check_tables(conn: sqlite3.Connection, report: Report) -> None:
    try:
        rebuilt, unknown = replay.rebuild(replay.log_rows(conn))
    except replay.Unrebuildable as exc:
        report.notes.append(
            _(
                "derived tables NOT rebuilt: {reason}; the chain and the checkpoints were checked",
                reason=message_of(exc),
            )
        )
        return
    except (KeyError, TypeError, ValueError, IndexError, sqlite3.Error) as exc:
        report.problems.append(_("the change log cannot be replayed ({reason})", reason=f"{type(exc).__name__}: {exc}"))
        return
    try:
        differences = replay_compare.compare(conn, rebuilt)
    finally:
        rebuilt.close()
    report.problems += [_("derived table differs from the change log: {difference}", difference=d) for d in differences]
    if not differences:
        report.notes.append(
            _(
                "derived tables rebuilt from the change log and identical: {tables} "
                "(devices without their keys, counters and times)",
                tables=", ".join(replay.REBUILT),
            )
        )
    for table, why in replay.NOT_REBUILT.items():
        report.notes.append(_("not rebuilt: {table} ({why})", table=table, why=why))
    if unknown:
        report.notes.append(
            _("change-log kinds the rebuild does not know (ignored): {kinds}", kinds=", ".join(unknown))
        )


def audit(conn: sqlite3.Connection, data_dir: Path) -> Report:
    """Everything `floorcraft verify` checks, on a read-only connection."""
    report = Report()
    checked, broken, why = changelog.verify(conn)
    if broken is not None:
        report.problems.append(
            _(
                "change log BROKEN at seq {seq}: {why} ({checked} rows before it are intact)",
                seq=broken,
                why=why,
                checked=checked,
            )
        )
        return report
    seq, hash_ = changelog.head(conn)
    report.notes.append(
        _("change log intact: {checked} rows, head seq {seq}, hash {hash}", checked=checked, seq=seq, hash=hash_)
    )
    check_checkpoints(conn, data_dir, report)
    check_tables(conn, report)
    return report
