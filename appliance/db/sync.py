"""SQL for the cloud sync's own state (the appliance side); the receiver's is appliance/db/cloud.py."""

from __future__ import annotations

import sqlite3


def state(conn: sqlite3.Connection, endpoint: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM sync_state WHERE endpoint = ?", (endpoint,)).fetchone()


def record(conn: sqlite3.Connection, endpoint: str, acked: int | None, error: str | None, now: str) -> None:
    conn.execute("INSERT INTO sync_state (endpoint) VALUES (?) ON CONFLICT (endpoint) DO NOTHING", (endpoint,))
    if acked is not None:
        conn.execute(
            "UPDATE sync_state SET acked_seq = ?, last_error = NULL, last_attempt = ?, last_success = ? "
            "WHERE endpoint = ?",
            (acked, now, now, endpoint),
        )
    else:
        conn.execute(
            "UPDATE sync_state SET last_error = ?, last_attempt = ? WHERE endpoint = ?", (error, now, endpoint)
        )
