"""SQL for star couples (seeded into a later round) and redance rounds (issue #10 points 5 and 6)."""

from __future__ import annotations

import json
import sqlite3

from appliance.db import inserted_id


def stars_of(conn: sqlite3.Connection, event_id: int) -> dict[int, int]:
    """couple id -> the round number it is seeded into, for the event's star couples still entered."""
    rows = conn.execute(
        """SELECT e.couple_id, s.round_number FROM star_couples s JOIN entries e ON e.id = s.entry_id
           WHERE e.event_id = ? AND e.status = 'entered' ORDER BY e.couple_id""",
        (event_id,),
    )
    return {r[0]: r[1] for r in rows}


def star_of(conn: sqlite3.Connection, entry_id: int) -> int | None:
    row = conn.execute("SELECT round_number FROM star_couples WHERE entry_id = ?", (entry_id,)).fetchone()
    return None if row is None else row[0]


def set_star(conn: sqlite3.Connection, entry_id: int, round_number: int, by: str) -> None:
    conn.execute("INSERT INTO star_couples (entry_id, round_number, by) VALUES (?, ?, ?)", (entry_id, round_number, by))


def joining(conn: sqlite3.Connection, event_id: int) -> dict[int, int]:
    """round number -> how many star couples join it."""
    found: dict[int, int] = {}
    for number in stars_of(conn, event_id).values():
        found[number] = found.get(number, 0) + 1
    return found


def make_room_after(conn: sqlite3.Connection, event_id: int, number: int) -> None:
    """Rounds (and the stars seeded into them) after round `number` move one on: a redance takes number + 1."""
    conn.execute("UPDATE rounds SET number = -number - 1 WHERE event_id = ? AND number > ?", (event_id, number))
    conn.execute("UPDATE rounds SET number = -number WHERE event_id = ? AND number < 0", (event_id,))
    conn.execute(
        """UPDATE star_couples SET round_number = round_number + 1
           WHERE round_number > ? AND entry_id IN (SELECT id FROM entries WHERE event_id = ?)""",
        (number, event_id),
    )


def insert_redance(conn: sqlite3.Connection, after: sqlite3.Row, values: dict) -> int:
    """A redance round right after the round `after` (make room first); `values`: name, recall, seed, carried,
    couples (the couple ids who dance it), and `id` when a rebuild gives it."""
    cur = conn.execute(
        """INSERT INTO rounds (id, event_id, number, name, kind, planned_couples, recall, seed, redance_of, carried)
           VALUES (?, ?, ?, ?, 'recall', ?, ?, ?, ?, ?)""",
        (
            values.get("id"),
            after["event_id"],
            after["number"] + 1,
            values["name"],
            len(values["couples"]),
            values["recall"],
            values["seed"],
            after["id"],
            json.dumps(sorted(values["carried"])),
        ),
    )
    return inserted_id(cur)


def redance_after(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM rounds WHERE redance_of = ?", (round_id,)).fetchone()


def redances_before(conn: sqlite3.Connection, event_id: int, number: int) -> int:
    """How many redance rounds the event has before its round `number` (they do not count in the ESV's keys)."""
    query = "SELECT count(*) FROM rounds WHERE event_id = ? AND number < ? AND redance_of IS NOT NULL"
    return int(conn.execute(query, (event_id, number)).fetchone()[0])


def carried(row: sqlite3.Row) -> list[int]:
    """The couple ids the round a redance follows recalled straight into the next round."""
    return json.loads(row["carried"]) if row["redance_of"] is not None and row["carried"] else []


def redance_recall(conn: sqlite3.Connection, event_id: int) -> int | None:
    return conn.execute("SELECT redance_recall FROM events WHERE id = ?", (event_id,)).fetchone()[0]


def set_redance_recall(conn: sqlite3.Connection, event_id: int, recall: int | None) -> None:
    conn.execute("UPDATE events SET redance_recall = ? WHERE id = ?", (recall, event_id))


def star_deadline(conn: sqlite3.Connection, event_id: int) -> str | None:
    return conn.execute("SELECT star_deadline FROM events WHERE id = ?", (event_id,)).fetchone()[0]


def set_star_deadline(conn: sqlite3.Connection, event_id: int, deadline: str | None) -> None:
    conn.execute("UPDATE events SET star_deadline = ? WHERE id = ?", (deadline, event_id))


def set_planned(conn: sqlite3.Connection, planned: dict[int, int]) -> None:
    """round id -> its planned couples (the plan counting star couples and a redance's recalled)."""
    conn.executemany("UPDATE rounds SET planned_couples = ? WHERE id = ?", [(c, r) for r, c in planned.items()])
