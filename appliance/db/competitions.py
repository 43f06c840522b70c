"""SQL for competitions, floors, events, adjudicators and panels."""

from __future__ import annotations

import json
import sqlite3

from appliance.db import inserted_id
from appliance.model.competition import Adjudicator, Competition, CompetitionIn, Event, EventIn, Floor


def insert_competition(conn: sqlite3.Connection, data: CompetitionIn) -> int:
    cur = conn.execute(
        "INSERT INTO competitions (name, starts_on, ends_on, venue, first_bib) VALUES (?, ?, ?, ?, ?)",
        (data.name, data.starts_on.isoformat(), data.ends_on.isoformat(), data.venue, data.first_bib),
    )
    cid = inserted_id(cur)
    conn.executemany(
        "INSERT INTO floors (competition_id, name, position) VALUES (?, ?, ?)",
        [(cid, name, i) for i, name in enumerate(data.floors)],
    )
    return cid


def floors(conn: sqlite3.Connection, competition_id: int) -> list[Floor]:
    rows = conn.execute("SELECT id, name FROM floors WHERE competition_id = ? ORDER BY position", (competition_id,))
    return [Floor(r["id"], r["name"]) for r in rows]


def _competition(conn: sqlite3.Connection, row: sqlite3.Row) -> Competition:
    return Competition(
        row["id"],
        row["name"],
        row["starts_on"],
        row["ends_on"],
        row["venue"],
        floors(conn, row["id"]),
        row["first_bib"],
        row["registration"],
    )


def get_competition(conn: sqlite3.Connection, competition_id: int) -> Competition | None:
    row = conn.execute("SELECT * FROM competitions WHERE id = ?", (competition_id,)).fetchone()
    return _competition(conn, row) if row else None


def list_competitions(conn: sqlite3.Connection) -> list[Competition]:
    return [_competition(conn, r) for r in conn.execute("SELECT * FROM competitions ORDER BY id")]


def set_registration(conn: sqlite3.Connection, competition_id: int, state: str, seed: int | None) -> None:
    conn.execute("UPDATE competitions SET registration = ?, draw_seed = ? WHERE id = ?", (state, seed, competition_id))


def floor_by_name(conn: sqlite3.Connection, competition_id: int, name: str) -> int | None:
    row = conn.execute("SELECT id FROM floors WHERE competition_id = ? AND name = ?", (competition_id, name)).fetchone()
    return row[0] if row else None


def event_name_taken(conn: sqlite3.Connection, competition_id: int, name: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM events WHERE competition_id = ? AND name = ?", (competition_id, name)).fetchone()
        is not None
    )


def insert_event(conn: sqlite3.Connection, competition_id: int, floor_id: int, data: EventIn) -> int:
    position = conn.execute(
        "SELECT coalesce(max(position), -1) + 1 FROM events WHERE competition_id = ?", (competition_id,)
    ).fetchone()[0]
    cur = conn.execute(
        """INSERT INTO events (competition_id, name, style, dances, age_group, level, floor_id, max_per_heat,
                               final_size, redraw_per_dance, position)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            competition_id,
            data.name,
            data.style,
            json.dumps(data.dances),
            data.age_group,
            data.level,
            floor_id,
            data.max_per_heat,
            data.final_size,
            int(data.redraw_per_dance),
            position,
        ),
    )
    return inserted_id(cur)


_EVENT_SELECT = """
    SELECT e.*, f.name AS floor_name,
           (SELECT group_concat(letter, ',') FROM (SELECT a.letter FROM panels p
                JOIN adjudicators a ON a.id = p.adjudicator_id WHERE p.event_id = e.id ORDER BY a.letter)) AS panel,
           (SELECT count(*) FROM entries n WHERE n.event_id = e.id AND n.status = 'entered') AS entry_count
    FROM events e JOIN floors f ON f.id = e.floor_id
"""


def _event(row: sqlite3.Row) -> Event:
    return Event(
        row["id"],
        row["competition_id"],
        row["name"],
        row["style"],
        json.loads(row["dances"]),
        row["age_group"],
        row["level"],
        row["floor_id"],
        row["floor_name"],
        row["max_per_heat"],
        row["final_size"],
        bool(row["redraw_per_dance"]),
        row["panel"].split(",") if row["panel"] else [],
        row["entry_count"],
    )


def get_event(conn: sqlite3.Connection, event_id: int) -> Event | None:
    row = conn.execute(_EVENT_SELECT + " WHERE e.id = ?", (event_id,)).fetchone()
    return _event(row) if row else None


def list_events(conn: sqlite3.Connection, competition_id: int) -> list[Event]:
    rows = conn.execute(_EVENT_SELECT + " WHERE e.competition_id = ? ORDER BY e.position", (competition_id,))
    return [_event(r) for r in rows]


def used_letters(conn: sqlite3.Connection, competition_id: int) -> set[str]:
    return {r[0] for r in conn.execute("SELECT letter FROM adjudicators WHERE competition_id = ?", (competition_id,))}


def insert_adjudicator(conn: sqlite3.Connection, competition_id: int, letter: str, name: str, country: str) -> int:
    cur = conn.execute(
        "INSERT INTO adjudicators (competition_id, letter, name, country) VALUES (?, ?, ?, ?)",
        (competition_id, letter, name, country),
    )
    return inserted_id(cur)


def _adjudicator(row: sqlite3.Row) -> Adjudicator:
    return Adjudicator(row["id"], row["competition_id"], row["letter"], row["name"], row["country"])


def get_adjudicator(conn: sqlite3.Connection, adjudicator_id: int) -> Adjudicator | None:
    row = conn.execute("SELECT * FROM adjudicators WHERE id = ?", (adjudicator_id,)).fetchone()
    return _adjudicator(row) if row else None


def list_adjudicators(conn: sqlite3.Connection, competition_id: int) -> list[Adjudicator]:
    rows = conn.execute(
        "SELECT * FROM adjudicators WHERE competition_id = ? ORDER BY length(letter), letter", (competition_id,)
    )
    return [_adjudicator(r) for r in rows]


def adjudicator_ids(conn: sqlite3.Connection, competition_id: int, letters: list[str]) -> dict[str, int]:
    found = {}
    for letter in letters:
        row = conn.execute(
            "SELECT id FROM adjudicators WHERE competition_id = ? AND letter = ?", (competition_id, letter)
        ).fetchone()
        if row:
            found[letter] = row[0]
    return found


def set_panel(conn: sqlite3.Connection, event_id: int, adjudicator_ids_: list[int]) -> None:
    conn.execute("DELETE FROM panels WHERE event_id = ?", (event_id,))
    conn.executemany(
        "INSERT INTO panels (event_id, adjudicator_id) VALUES (?, ?)", [(event_id, a) for a in adjudicator_ids_]
    )


def draw_seed(conn: sqlite3.Connection, competition_id: int) -> int | None:
    row = conn.execute("SELECT draw_seed FROM competitions WHERE id = ?", (competition_id,)).fetchone()
    return row[0] if row else None


def update_competition(conn: sqlite3.Connection, competition_id: int, fields: dict) -> None:
    """Set a competition's name, dates, venue and first bib (`fields` holds all five; the floors stay)."""
    conn.execute(
        "UPDATE competitions SET name = ?, starts_on = ?, ends_on = ?, venue = ?, first_bib = ? WHERE id = ?",
        (
            fields["name"],
            str(fields["starts_on"]),
            str(fields["ends_on"]),
            fields["venue"],
            fields["first_bib"],
            competition_id,
        ),
    )
