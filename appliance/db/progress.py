"""When each dance of a round began and when its first sheet arrived, read from the change log's times."""

from __future__ import annotations

import sqlite3


def dances_started(conn: sqlite3.Connection, round_id: int) -> dict[str, str]:
    """dance -> when a floor first went onto that dance of the round (its first heat), running."""
    found: dict[str, str] = {}
    rows = conn.execute(
        """SELECT json_extract(payload, '$.item.dance'), at FROM change_log
           WHERE kind IN ('floor.start', 'floor.next', 'floor.previous')
           AND json_extract(payload, '$.state') = 'running'
           AND json_extract(payload, '$.item.round_id') = ? ORDER BY seq""",
        (round_id,),
    )
    for dance, at in rows:
        found.setdefault(dance, at)
    return found


def first_sheets(conn: sqlite3.Connection, round_id: int) -> dict[str, str]:
    """dance -> when the first sheet of that dance of the round arrived."""
    rows = conn.execute(
        """SELECT json_extract(payload, '$.dance'), min(at) FROM change_log
           WHERE kind = 'sheet.submitted' AND entity = ? GROUP BY 1""",
        (f"round/{round_id}",),
    )
    return {dance: at for dance, at in rows}
