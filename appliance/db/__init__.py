"""All SQL lives here: the store (connections, pragmas, transactions), migrations, one module per concept."""

from __future__ import annotations

import sqlite3


def inserted_id(cur: sqlite3.Cursor) -> int:
    """The rowid of the row an INSERT just made (sqlite3 types lastrowid as optional: None only before any INSERT)."""
    if cur.lastrowid is None:
        raise sqlite3.OperationalError("the INSERT made no row")
    return cur.lastrowid
