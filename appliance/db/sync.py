"""SQL for the cloud sync's own state (the appliance side) and the receiver's copy of each box's log."""

from __future__ import annotations

import json
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


CLOUD_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS cloud_log (
        box TEXT NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        entity TEXT NOT NULL,
        payload TEXT NOT NULL,
        at TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (box, seq)
    )""",
)


def cloud_head(conn: sqlite3.Connection, box: str) -> tuple[int, str | None]:
    row = conn.execute("SELECT seq, hash FROM cloud_log WHERE box = ? ORDER BY seq DESC LIMIT 1", (box,)).fetchone()
    return (row[0], row[1]) if row else (0, None)


def cloud_row_hash(conn: sqlite3.Connection, box: str, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM cloud_log WHERE box = ? AND seq = ?", (box, seq)).fetchone()
    return row[0] if row else None


def cloud_insert(conn: sqlite3.Connection, box: str, row: dict) -> None:
    conn.execute(
        "INSERT INTO cloud_log (box, seq, kind, entity, payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (box, row["seq"], row["kind"], row["entity"], row["payload"], row["at"], row["prev_hash"], row["hash"]),
    )


def cloud_boxes(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT box, max(seq) AS head, count(*) AS rows FROM cloud_log GROUP BY box").fetchall()


def cloud_rows(conn: sqlite3.Connection, box: str, kinds: tuple[str, ...]) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT seq, kind, entity, payload FROM cloud_log "
        "WHERE box = ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (box, json.dumps(kinds)),
    ).fetchall()
