"""SQL for couples withdrawn mid-event or disqualified by the chair (issue #10 points 3 and 4), and for the chair's
warnings for the step limit (the ESV's `vd`)."""

from __future__ import annotations

import json
import sqlite3


def set_outcome(
    conn: sqlite3.Connection,
    entry_id: int,
    status: str,
    round_id: int | None,
    danced: list[str],
    reason: str,
    by: str,
    step_limit: bool = False,
) -> None:
    conn.execute(
        "INSERT INTO entry_outcomes (entry_id, status, round_id, danced, reason, by, step_limit) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry_id, status, round_id, json.dumps(danced), reason, by, int(step_limit)),
    )


def set_warning(conn: sqlite3.Connection, entry_id: int, round_id: int, reason: str, by: str) -> None:
    conn.execute(
        "INSERT INTO entry_warnings (entry_id, round_id, reason, by) VALUES (?, ?, ?, ?)",
        (entry_id, round_id, reason, by),
    )


def warnings_of_event(conn: sqlite3.Connection, event_id: int) -> list[sqlite3.Row]:
    """Every warning for the step limit of the event's entries with the couple's bib, by bib."""
    return conn.execute(
        """SELECT w.*, c.bib FROM entry_warnings w JOIN entries e ON e.id = w.entry_id
           JOIN couples c ON c.id = e.couple_id WHERE e.event_id = ? ORDER BY c.bib""",
        (event_id,),
    ).fetchall()


def of_event(conn: sqlite3.Connection, event_id: int) -> list[sqlite3.Row]:
    """Every outcome of the event's entries with the couple's bib, by bib."""
    return conn.execute(
        """SELECT o.*, c.bib, c.id AS couple_id FROM entry_outcomes o JOIN entries e ON e.id = o.entry_id
           JOIN couples c ON c.id = e.couple_id WHERE e.event_id = ? ORDER BY c.bib, o.status""",
        (event_id,),
    ).fetchall()


def latest_round_of(conn: sqlite3.Connection, event_id: int, couple_id: int) -> sqlite3.Row | None:
    """The last round of the event the couple is (or was) drawn into."""
    return conn.execute(
        """SELECT r.* FROM rounds r JOIN round_couples rc ON rc.round_id = r.id
           WHERE r.event_id = ? AND rc.couple_id = ? ORDER BY r.number DESC LIMIT 1""",
        (event_id, couple_id),
    ).fetchone()


def danced_dances(conn: sqlite3.Connection, round_id: int) -> list[str]:
    """The dances of the round for which at least one judge has sent a sheet (the couples have danced them)."""
    return [
        r[0] for r in conn.execute("SELECT DISTINCT dance FROM sheets WHERE round_id = ? ORDER BY dance", (round_id,))
    ]
