"""SQL for the day's schedule with times (issue #10 point 8): each floor's timing settings, its rounds with their
heats, when each round really started and finished (read from the change log), who is in each round, a floor's
order rewritten by a move; and `floorcraft verify`'s rebuild of the two from the log."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable


def get_settings(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM schedule_settings WHERE floor_id = ?", (floor_id,)).fetchone()


def set_settings(conn: sqlite3.Connection, floor_id: int, s: dict) -> None:
    conn.execute(
        """INSERT INTO schedule_settings (floor_id, start, dance_seconds, heat_change_seconds, dance_change_seconds,
                                          round_change_seconds, breaks) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (floor_id) DO UPDATE SET start = excluded.start, dance_seconds = excluded.dance_seconds,
           heat_change_seconds = excluded.heat_change_seconds, dance_change_seconds = excluded.dance_change_seconds,
           round_change_seconds = excluded.round_change_seconds, breaks = excluded.breaks""",
        (
            floor_id,
            s["start"],
            s["dance_seconds"],
            s["heat_change_seconds"],
            s["dance_change_seconds"],
            s["round_change_seconds"],
            json.dumps(s["breaks"]),
        ),
    )


def floors(conn: sqlite3.Connection, floor_id: int | None = None) -> list[sqlite3.Row]:
    """Every floor (or one), with its competition's first day, in the competitions' and floors' order."""
    return conn.execute(
        """SELECT f.id, f.name, f.competition_id, c.starts_on
           FROM floors f JOIN competitions c ON c.id = f.competition_id
           WHERE ? IS NULL OR f.id = ? ORDER BY c.id, f.position""",
        (floor_id, floor_id),
    ).fetchall()


def floor_of_round(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row | None:
    return conn.execute(
        """SELECT r.id, r.state, e.floor_id, e.competition_id FROM rounds r JOIN events e ON e.id = r.event_id
           WHERE r.id = ?""",
        (round_id,),
    ).fetchone()


def floor_rounds(conn: sqlite3.Connection, floor_id: int) -> list[sqlite3.Row]:
    """Every round of the floor's events, with its place in the floor's schedule (NULL: not scheduled yet)."""
    return conn.execute(
        """SELECT r.id AS round_id, r.event_id, r.number, r.name AS round_name, r.kind, r.state, r.planned_couples,
                  e.name AS event_name, e.dances, e.max_per_heat, e.position AS event_position, s.position,
                  (SELECT max(number) FROM rounds x WHERE x.event_id = r.event_id) AS last_number,
                  (SELECT count(*) FROM round_couples rc WHERE rc.round_id = r.id) AS couples
           FROM rounds r JOIN events e ON e.id = r.event_id LEFT JOIN schedule s ON s.round_id = r.id
           WHERE e.floor_id = ?""",
        (floor_id,),
    ).fetchall()


def heat_counts(conn: sqlite3.Connection, floor_id: int) -> dict[int, dict[str, int]]:
    """round id -> dance -> how many heats it was drawn in (drawn rounds of the floor only)."""
    counts: dict[int, dict[str, int]] = {}
    for round_id, dance, heats in conn.execute(
        """SELECT h.round_id, h.dance, max(h.heat) FROM heats h JOIN rounds r ON r.id = h.round_id
           JOIN events e ON e.id = r.event_id WHERE e.floor_id = ? GROUP BY h.round_id, h.dance""",
        (floor_id,),
    ):
        counts.setdefault(round_id, {})[dance] = heats
    return counts


def started_at(conn: sqlite3.Connection, floor_id: int) -> dict[int, str]:
    """round id -> when the floor first went onto it (the change log's time of that row)."""
    found: dict[int, str] = {}
    rows = conn.execute(
        """SELECT json_extract(payload, '$.item.round_id'), at FROM change_log
           WHERE kind IN ('floor.start', 'floor.next', 'floor.previous') AND entity = ?
           AND json_extract(payload, '$.state') = 'running' ORDER BY seq""",
        (f"floor/{floor_id}",),
    )
    for round_id, at in rows:
        found.setdefault(round_id, at)
    return found


def finished_at(conn: sqlite3.Connection) -> dict[int, str]:
    """round id -> when its result was first computed (the change log's time of that row)."""
    found: dict[int, str] = {}
    for entity, at in conn.execute("SELECT entity, at FROM change_log WHERE kind = 'round.computed' ORDER BY seq"):
        found.setdefault(int(entity.rsplit("/", 1)[-1]), at)
    return found


def round_people(conn: sqlite3.Connection, competition_id: int) -> dict[int, dict[int, str]]:
    """round id -> bib -> the couple's identity ("leader|follower", folded), for every drawn round."""
    found: dict[int, dict[int, str]] = {}
    for round_id, bib, identity in conn.execute(
        """SELECT rc.round_id, c.bib, c.identity FROM round_couples rc JOIN couples c ON c.id = rc.couple_id
           WHERE c.competition_id = ? AND c.bib IS NOT NULL""",
        (competition_id,),
    ):
        found.setdefault(round_id, {})[bib] = identity
    return found


def event_people(conn: sqlite3.Connection, competition_id: int) -> dict[int, dict[int, str]]:
    """event id -> bib -> identity of every couple still entered (not scratched, withdrawn or disqualified)."""
    found: dict[int, dict[int, str]] = {}
    for event_id, bib, identity in conn.execute(
        """SELECT n.event_id, c.bib, c.identity FROM entries n JOIN couples c ON c.id = n.couple_id
           WHERE c.competition_id = ? AND n.status = 'entered' AND c.bib IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM entry_outcomes o WHERE o.entry_id = n.id)""",
        (competition_id,),
    ):
        found.setdefault(event_id, {})[bib] = identity
    return found


def rewrite_order(conn: sqlite3.Connection, floor_id: int, round_ids: list[int]) -> None:
    """The floor's schedule becomes exactly these rounds, in this order (positions 1, 2, ...)."""
    conn.execute("DELETE FROM schedule WHERE floor_id = ?", (floor_id,))
    conn.executemany("DELETE FROM schedule WHERE round_id = ?", [(rid,) for rid in round_ids])
    conn.executemany(
        "INSERT INTO schedule (floor_id, position, round_id) VALUES (?, ?, ?)",
        [(floor_id, position, rid) for position, rid in enumerate(round_ids, start=1)],
    )


def _settings_set(conn: sqlite3.Connection, floor_id: int, p: dict) -> None:
    set_settings(conn, floor_id, p)


def _moved(conn: sqlite3.Connection, _: int, p: dict) -> None:
    rewrite_order(conn, p["floor_id"], p["order"])


REBUILT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {"schedule_settings": (("floor_id",), ())}
JSON_COLUMNS = {("schedule_settings", "breaks")}
HANDLERS: dict[str, Callable[..., None]] = {"schedule.settings_set": _settings_set, "schedule.moved": _moved}
