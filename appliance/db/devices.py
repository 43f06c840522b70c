"""SQL for enrolments (one-time QR secrets), enrolled devices, their counters and idempotent answers."""

from __future__ import annotations

import sqlite3


def insert_enrolment(
    conn: sqlite3.Connection,
    enrolment_id: str,
    role: str,
    competition_id: int | None,
    adjudicator_id: int | None,
    secret: bytes,
    expires_at: str,
) -> None:
    conn.execute(
        "INSERT INTO enrolments (id, role, competition_id, adjudicator_id, secret, expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (enrolment_id, role, competition_id, adjudicator_id, secret, expires_at),
    )


def get_enrolment(conn: sqlite3.Connection, enrolment_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM enrolments WHERE id = ?", (enrolment_id,)).fetchone()


def use_enrolment(conn: sqlite3.Connection, enrolment_id: str) -> bool:
    """Mark the enrolment used, atomically: False if it was used already."""
    return conn.execute("UPDATE enrolments SET used = 1 WHERE id = ? AND used = 0", (enrolment_id,)).rowcount == 1


def insert_device(
    conn: sqlite3.Connection,
    device_id: str,
    role: str,
    competition_id: int | None,
    adjudicator_id: int | None,
    key: bytes,
    now: str,
) -> None:
    conn.execute(
        """INSERT INTO devices (id, role, competition_id, adjudicator_id, key, enrolled_at, last_seen)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (device_id, role, competition_id, adjudicator_id, key, now, now),
    )


_DEVICE = """SELECT d.*, a.letter FROM devices d LEFT JOIN adjudicators a ON a.id = d.adjudicator_id"""


def get_device(conn: sqlite3.Connection, device_id: str) -> sqlite3.Row | None:
    return conn.execute(_DEVICE + " WHERE d.id = ?", (device_id,)).fetchone()


def list_devices(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(_DEVICE + " ORDER BY d.enrolled_at, d.id").fetchall()


def has_scrutineer(conn: sqlite3.Connection) -> bool:
    """Whether the box has an owner: a scrutineer enrolled for no competition, not revoked."""
    return (
        conn.execute(
            "SELECT 1 FROM devices WHERE role = 'scrutineer' AND competition_id IS NULL AND revoked = 0"
        ).fetchone()
        is not None
    )


def revoke(conn: sqlite3.Connection, device_id: str) -> bool:
    return conn.execute("UPDATE devices SET revoked = 1 WHERE id = ? AND revoked = 0", (device_id,)).rowcount == 1


def advance_counter(conn: sqlite3.Connection, device_id: str, counter: int, now: str) -> bool:
    """Accept `counter` only if it is above the last one seen from the device (else: a replay)."""
    cur = conn.execute(
        "UPDATE devices SET counter = ?, last_seen = ? WHERE id = ? AND counter < ?", (counter, now, device_id, counter)
    )
    return cur.rowcount == 1


def stored_answer(conn: sqlite3.Connection, device_id: str, key: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT request, status, response FROM idempotency WHERE device_id = ? AND key = ?", (device_id, key)
    ).fetchone()


def store_answer(
    conn: sqlite3.Connection, device_id: str, key: str, request: str, status: int, response: bytes
) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO idempotency (device_id, key, request, status, response) VALUES (?, ?, ?, ?, ?)",
        (device_id, key, request, status, response),
    )
