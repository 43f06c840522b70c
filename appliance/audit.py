"""`floorcraft verify`: the hash chain, the signed checkpoints outside the database, and every derived table
rebuilt from the log and compared row by row. Read-only: it never writes the database or the data dir."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec

from appliance import checkpoints
from appliance.db import changelog, replay, replay_compare


class Report(msgspec.Struct):
    notes: list[str] = msgspec.field(default_factory=list)  # what was checked and found intact
    problems: list[str] = msgspec.field(default_factory=list)  # each one names what was altered or removed


def check_checkpoints(conn: sqlite3.Connection, data_dir: Path, report: Report) -> None:
    path = Path(data_dir) / checkpoints.FILE
    if not path.exists():
        report.notes.append(
            f"no {checkpoints.FILE} yet: nothing is anchored outside the database "
            "(a deleted tail of the log could not be seen)"
        )
        return
    try:
        entries = checkpoints.read(path)
        key = checkpoints.public_key(data_dir)
    except (OSError, ValueError) as exc:
        report.problems.append(
            f"cannot read the checkpoints or the box key ({exc}): run verify as the box's user or root"
        )
        return
    if key is None and entries:
        report.problems.append(
            f"the box key ({checkpoints.KEY_FILE}) is missing: the checkpoints' signatures cannot be checked"
        )
    seq, _ = changelog.head(conn)
    found = checkpoints.check(entries, key, lambda s: changelog.row_at(conn, s), seq)
    report.problems += found
    latest = checkpoints.newest(entries)
    if not found and latest is not None:
        report.notes.append(
            f"checkpoints: {len(entries)} signed by the box, the newest at seq {latest['seq']} "
            f"({latest['at']}); the log holds every one of them"
        )


def check_tables(conn: sqlite3.Connection, report: Report) -> None:
    try:
        rebuilt, unknown = replay.rebuild(replay.log_rows(conn))
    except replay.Unrebuildable as exc:
        report.notes.append(f"derived tables NOT rebuilt: {exc}; the chain and the checkpoints were checked")
        return
    except (KeyError, TypeError, ValueError, IndexError, sqlite3.Error) as exc:
        report.problems.append(f"the change log cannot be replayed ({type(exc).__name__}: {exc})")
        return
    try:
        differences = replay_compare.compare(conn, rebuilt)
    finally:
        rebuilt.close()
    report.problems += [f"derived table differs from the change log: {d}" for d in differences]
    if not differences:
        report.notes.append(
            "derived tables rebuilt from the change log and identical: "
            + ", ".join(replay.REBUILT)
            + " (devices without their keys, counters and times)"
        )
    report.notes.append("not rebuilt: " + "; ".join(f"{t} ({why})" for t, why in replay.NOT_REBUILT.items()))
    if unknown:
        report.notes.append("change-log kinds the rebuild does not know (ignored): " + ", ".join(unknown))


def audit(conn: sqlite3.Connection, data_dir: Path) -> Report:
    """Everything `floorcraft verify` checks, on a read-only connection."""
    report = Report()
    checked, broken, why = changelog.verify(conn)
    if broken is not None:
        report.problems.append(f"change log BROKEN at seq {broken}: {why} ({checked} rows before it are intact)")
        return report
    seq, hash_ = changelog.head(conn)
    report.notes.append(f"change log intact: {checked} rows, head seq {seq}, hash {hash_}")
    check_checkpoints(conn, data_dir, report)
    check_tables(conn, report)
    return report
