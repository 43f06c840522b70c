"""Compare the tables rebuilt from the change log (db/replay.py) with the database's, row by row, column by column:
the first difference of each table is named (table, key, column)."""

from __future__ import annotations

import json
import sqlite3

from appliance.db.replay import JSON_COLUMNS, REBUILT


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def _rows(conn: sqlite3.Connection, table: str, key: tuple[str, ...], columns: list[str]) -> dict[tuple, dict]:
    wanted = ", ".join(columns)
    return {tuple(r[k] for k in key): dict(r) for r in conn.execute(f"SELECT {wanted} FROM {table}")}  # noqa: S608 - names from REBUILT  # nosec B608


def _same(table: str, column: str, a: object, b: object) -> bool:
    if (table, column) in JSON_COLUMNS and isinstance(a, str) and isinstance(b, str):
        try:
            return json.loads(a) == json.loads(b)
        except ValueError:
            return a == b
    return a == b


def _name(table: str, key: tuple[str, ...], values: tuple) -> str:
    return f"{table} row " + ", ".join(f"{k}={v!r}" for k, v in zip(key, values, strict=True))


def compare_table(real: sqlite3.Connection, rebuilt: sqlite3.Connection, table: str) -> str | None:
    """The first difference between the database's table and the rebuilt one (None: identical)."""
    key, skipped = REBUILT[table]
    columns = [c for c in _columns(rebuilt, table) if c not in skipped and c in _columns(real, table)]
    have, want = _rows(real, table, key, columns), _rows(rebuilt, table, key, columns)
    for values in sorted(set(have) | set(want), key=lambda v: tuple((x is None, str(type(x)), x) for x in v)):
        if values not in want:
            return f"{_name(table, key, values)} is in the database but not in the change log (inserted)"
        if values not in have:
            return f"{_name(table, key, values)} is in the change log but not in the database (deleted)"
        for column in columns:
            if not _same(table, column, have[values][column], want[values][column]):
                return (
                    f"{_name(table, key, values)}, column {column}: the database has "
                    f"{have[values][column]!r}, the change log says {want[values][column]!r}"
                )
    return None


def compare(real: sqlite3.Connection, rebuilt: sqlite3.Connection) -> list[str]:
    """One line per table that differs, naming its first differing row (empty: every table matches)."""
    return [found for table in REBUILT if (found := compare_table(real, rebuilt, table)) is not None]
