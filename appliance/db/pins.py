"""SQL for the chair's PIN attempts: wrong PINs in a row and the lockout, per device and per competition.

Not part of the change log (a refused attempt writes nothing there) and not derived from it: a restart keeps it.
"""

from __future__ import annotations

import sqlite3


def attempts(conn: sqlite3.Connection, keys: list[str]) -> list[sqlite3.Row]:
    """The (key, failures, locked_until) rows of those keys that have any."""
    rows = (
        conn.execute("SELECT key, failures, locked_until FROM pin_attempts WHERE key = ?", (k,)).fetchone()
        for k in keys
    )
    return [r for r in rows if r is not None]


def record_failure(conn: sqlite3.Connection, key: str) -> int:
    """One more wrong PIN for `key`; returns the failures in a row."""
    return conn.execute(
        """INSERT INTO pin_attempts (key, failures) VALUES (?, 1)
                           ON CONFLICT (key) DO UPDATE SET failures = failures + 1 RETURNING failures""",
        (key,),
    ).fetchone()[0]


def lock(conn: sqlite3.Connection, key: str, until: str) -> None:
    conn.execute("UPDATE pin_attempts SET locked_until = ? WHERE key = ?", (until, key))


def clear(conn: sqlite3.Connection, keys: list[str]) -> None:
    conn.executemany("DELETE FROM pin_attempts WHERE key = ?", [(k,) for k in keys])
