"""SQL for rounds, their couples and heats, each floor's schedule of rounds and where the floor is now."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from appliance.db import inserted_id
from appliance.planning import PlannedRound


def insert_round(conn: sqlite3.Connection, event_id: int, planned: PlannedRound, seed: int) -> int:
    cur = conn.execute(
        "INSERT INTO rounds (event_id, number, name, kind, planned_couples, recall, seed) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (event_id, planned.number, planned.name, planned.kind, planned.couples, planned.recall, seed),
    )
    return inserted_id(cur)


def rounds_of(conn: sqlite3.Connection, event_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM rounds WHERE event_id = ? ORDER BY number", (event_id,)).fetchall()


def get_round(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM rounds WHERE id = ?", (round_id,)).fetchone()


def replace_rounds(conn: sqlite3.Connection, event_id: int, insert: Callable[[], object]) -> None:
    """An event's rounds replaced by the ones `insert()` adds (a new plan before the event starts): the
    withdrawals, disqualifications and warnings that named an old round name the new round of the same number
    (a warning whose round is gone names the first round; a withdrawal's or disqualification's, none)."""
    outcomes = conn.execute(
        "SELECT o.entry_id, o.status, r.number FROM entry_outcomes o JOIN rounds r ON r.id = o.round_id "
        "WHERE r.event_id = ?",
        (event_id,),
    ).fetchall()
    warnings = conn.execute(
        "SELECT w.entry_id, w.reason, w.by, r.number FROM entry_warnings w JOIN rounds r ON r.id = w.round_id "
        "WHERE r.event_id = ?",
        (event_id,),
    ).fetchall()
    conn.execute(
        "UPDATE entry_outcomes SET round_id = NULL WHERE round_id IN (SELECT id FROM rounds WHERE event_id = ?)",
        (event_id,),
    )
    conn.execute("DELETE FROM entry_warnings WHERE round_id IN (SELECT id FROM rounds WHERE event_id = ?)", (event_id,))
    delete_rounds(conn, event_id)
    insert()

    def numbered(number: int) -> int | None:
        row = conn.execute("SELECT id FROM rounds WHERE event_id = ? AND number = ?", (event_id, number)).fetchone()
        return row[0] if row else None

    for entry_id, status, number in outcomes:
        conn.execute(
            "UPDATE entry_outcomes SET round_id = ? WHERE entry_id = ? AND status = ?",
            (numbered(number), entry_id, status),
        )
    for entry_id, reason, by, number in warnings:
        round_id = numbered(number) or numbered(1)
        if round_id is not None:
            conn.execute(
                "INSERT INTO entry_warnings (entry_id, round_id, reason, by) VALUES (?, ?, ?, ?)",
                (entry_id, round_id, reason, by),
            )


def delete_rounds(conn: sqlite3.Connection, event_id: int) -> None:
    ids = [r[0] for r in conn.execute("SELECT id FROM rounds WHERE event_id = ?", (event_id,))]
    for rid in ids:
        conn.execute("DELETE FROM heats WHERE round_id = ?", (rid,))
        conn.execute("DELETE FROM round_panels WHERE round_id = ?", (rid,))
        conn.execute("DELETE FROM round_couples WHERE round_id = ?", (rid,))
        conn.execute("DELETE FROM schedule WHERE round_id = ?", (rid,))
        conn.execute("DELETE FROM rounds WHERE id = ?", (rid,))


def set_round_state(conn: sqlite3.Connection, round_id: int, state: str) -> None:
    conn.execute("UPDATE rounds SET state = ? WHERE id = ?", (state, round_id))


def set_round_couples(conn: sqlite3.Connection, round_id: int, couple_ids: list[int]) -> None:
    conn.execute("DELETE FROM round_couples WHERE round_id = ?", (round_id,))
    conn.executemany(
        "INSERT INTO round_couples (round_id, couple_id) VALUES (?, ?)", [(round_id, c) for c in couple_ids]
    )


def round_couples(conn: sqlite3.Connection, round_id: int) -> list[int]:
    return [
        r[0]
        for r in conn.execute("SELECT couple_id FROM round_couples WHERE round_id = ? ORDER BY couple_id", (round_id,))
    ]


def set_heats(conn: sqlite3.Connection, round_id: int, heats: dict[str, list[list[int]]]) -> None:
    conn.execute("DELETE FROM heats WHERE round_id = ?", (round_id,))
    conn.executemany(
        "INSERT INTO heats (round_id, dance, heat, couple_id) VALUES (?, ?, ?, ?)",
        [(round_id, dance, i + 1, c) for dance, split in heats.items() for i, heat in enumerate(split) for c in heat],
    )


def heats_by_couple_id(conn: sqlite3.Connection, round_id: int) -> dict[str, list[list[int]]]:
    """dance -> heats -> couple ids, in the order they were drawn."""
    by_id: dict[str, list[list[int]]] = {}
    for dance, heat, couple in conn.execute(
        "SELECT dance, heat, couple_id FROM heats WHERE round_id = ? ORDER BY rowid", (round_id,)
    ):
        split = by_id.setdefault(dance, [])
        while len(split) < heat:
            split.append([])
        split[heat - 1].append(couple)
    return by_id


def set_planned_couples(conn: sqlite3.Connection, round_id: int, planned: int) -> None:
    conn.execute("UPDATE rounds SET planned_couples = ? WHERE id = ?", (planned, round_id))


def heats_by_bib(conn: sqlite3.Connection, round_id: int) -> dict[str, list[list[int]]]:
    """dance -> heats -> bibs, dances in the order of first insertion."""
    rows = conn.execute(
        """SELECT h.dance, h.heat, c.bib FROM heats h JOIN couples c ON c.id = h.couple_id
           WHERE h.round_id = ? ORDER BY h.rowid""",
        (round_id,),
    )
    result: dict[str, list[list[int]]] = {}
    for dance, heat, bib in rows:
        split = result.setdefault(dance, [])
        while len(split) < heat:
            split.append([])
        split[heat - 1].append(bib)
    return {d: [sorted(h) for h in split] for d, split in result.items()}


def schedule_round(conn: sqlite3.Connection, floor_id: int, round_id: int, position: int | None = None) -> int:
    """Put the round on the floor's schedule: at `position`, or before the first of its event's later rounds
    already scheduled there (a redance drawn after a move comes before the round it feeds), or after the last."""
    if position is None:
        position = conn.execute(
            """SELECT min(s.position) FROM schedule s JOIN rounds r ON r.id = s.round_id
               JOIN rounds me ON me.id = ? WHERE s.floor_id = ? AND r.event_id = me.event_id
               AND r.number > me.number""",
            (round_id, floor_id),
        ).fetchone()[0]
    if position is None:
        position = conn.execute(
            "SELECT coalesce(max(position), 0) + 1 FROM schedule WHERE floor_id = ?", (floor_id,)
        ).fetchone()[0]
    elif conn.execute("SELECT 1 FROM schedule WHERE floor_id = ? AND position = ?", (floor_id, position)).fetchone():
        # make room: positions from `position` on move one on (through negatives: the key stays unique)
        shift = "UPDATE schedule SET position = -(position + 1) WHERE floor_id = ? AND position >= ?"
        conn.execute(shift, (floor_id, position))
        conn.execute("UPDATE schedule SET position = -position WHERE floor_id = ? AND position < 0", (floor_id,))
    conn.execute("INSERT INTO schedule (floor_id, position, round_id) VALUES (?, ?, ?)", (floor_id, position, round_id))
    return position


def scheduled_rounds(conn: sqlite3.Connection, floor_id: int) -> list[sqlite3.Row]:
    """The floor's rounds in running order, with their event's name and dances."""
    return conn.execute(
        """SELECT s.position, r.id AS round_id, r.name AS round_name, e.id AS event_id, e.name AS event_name,
                  e.dances FROM schedule s JOIN rounds r ON r.id = s.round_id JOIN events e ON e.id = r.event_id
           WHERE s.floor_id = ? ORDER BY s.position""",
        (floor_id,),
    ).fetchall()


def get_floor(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM floors WHERE id = ?", (floor_id,)).fetchone()


def set_floor(
    conn: sqlite3.Connection, floor_id: int, state: str, round_id: int | None, dance: str | None, heat: int | None
) -> None:
    conn.execute(
        "UPDATE floors SET state = ?, current_round = ?, current_dance = ?, current_heat = ? WHERE id = ?",
        (state, round_id, dance, heat, floor_id),
    )
