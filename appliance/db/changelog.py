"""The change log: one row per state change, in the same transaction, hash-chained to the row before.

hash = sha256(canonical JSON of [seq, kind, entity, payload, at, prev_hash]); the first row's prev_hash
is 64 zeros. Anyone can recompute the chain (`floorcraft verify`) and see the first row that was
altered, removed or inserted after the fact.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Any

import msgspec

from appliance.i18n import _

GENESIS = "0" * 64


def canonical(payload: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 text (msgspec Structs and dates allowed)."""
    plain = msgspec.to_builtins(payload)
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(seq: int, kind: str, entity: str, payload: str, at: str, prev_hash: str) -> str:
    text = json.dumps([seq, kind, entity, payload, at, prev_hash], separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def append(conn: sqlite3.Connection, kind: str, entity: str, payload: Any, at: str) -> int:
    """Append one row (inside the caller's transaction) and return its seq."""
    last = conn.execute("SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq = last[0] + 1 if last else 1  # rows are never deleted, so this is the next AUTOINCREMENT value too
    prev = last[1] if last else GENESIS
    body = canonical(payload)
    conn.execute(
        "INSERT INTO change_log (seq, kind, entity, payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, kind, entity, body, at, prev, row_hash(seq, kind, entity, body, at, prev)),
    )
    return seq


def append_many(conn: sqlite3.Connection, rows: list[tuple[str, str, Any]], at: str) -> list[int]:
    """Append several (kind, entity, payload) rows in one statement (inside the caller's transaction); their seqs."""
    last = conn.execute("SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    values = []
    for kind, entity, payload in rows:
        seq += 1
        body = canonical(payload)
        digest = row_hash(seq, kind, entity, body, at, prev)
        values.append((seq, kind, entity, body, at, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO change_log (seq, kind, entity, payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)", values
    )
    return [v[0] for v in values]


def rows_after(conn: sqlite3.Connection, seq: int, limit: int = 1000) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT seq, kind, entity, payload, at, prev_hash, hash FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    ).fetchall()


def row_at(conn: sqlite3.Connection, seq: int) -> str | None:
    """The hash of the row at `seq` (None: no such row)."""
    row = conn.execute("SELECT hash FROM change_log WHERE seq = ?", (seq,)).fetchone()
    return row[0] if row else None


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def last_change_at(conn: sqlite3.Connection) -> str | None:
    """When the newest row was written (None: an empty log)."""
    row = conn.execute("SELECT at FROM change_log ORDER BY seq DESC LIMIT 1").fetchone()
    return row[0] if row else None


def verify(conn: sqlite3.Connection) -> tuple[int, int | None, str]:
    """Recompute the chain: (rows checked, first broken seq or None, what is wrong with it)."""
    prev = GENESIS
    checked = 0
    for row in conn.execute("SELECT seq, kind, entity, payload, at, prev_hash, hash FROM change_log ORDER BY seq"):
        seq, kind, entity, payload, at, prev_hash, stored = tuple(row)
        if prev_hash != prev:
            return checked, seq, _("does not follow the row before it (a row was removed or inserted)")
        if row_hash(seq, kind, entity, payload, at, prev_hash) != stored:
            return checked, seq, _("its content does not match its hash (it was altered)")
        prev = stored
        checked += 1
    return checked, None, ""
