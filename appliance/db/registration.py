"""SQL for registration links, couples and entries."""

from __future__ import annotations

import json
import sqlite3

from appliance.db import inserted_id
from appliance.model.registration import Couple, CoupleIn, Entry


def insert_link(conn: sqlite3.Connection, token: str, competition_id: int, role: str, closes_at: str | None) -> None:
    conn.execute(
        "INSERT INTO registration_links (token, competition_id, role, closes_at) VALUES (?, ?, ?, ?)",
        (token, competition_id, role, closes_at),
    )


def get_link(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM registration_links WHERE token = ?", (token,)).fetchone()


def list_links(conn: sqlite3.Connection, competition_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM registration_links WHERE competition_id = ? ORDER BY rowid", (competition_id,)
    ).fetchall()


def identity(leader: str, follower: str) -> str:
    """Two registrations are the same couple when the names match, ignoring case and spacing."""
    return "|".join(" ".join(name.casefold().split()) for name in (leader, follower))


def find_couple(conn: sqlite3.Connection, competition_id: int, leader: str, follower: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM couples WHERE competition_id = ? AND identity = ?", (competition_id, identity(leader, follower))
    ).fetchone()
    return row[0] if row else None


def insert_couple(conn: sqlite3.Connection, competition_id: int, data: CoupleIn) -> int:
    cur = conn.execute(
        "INSERT INTO couples (competition_id, leader, follower, club, country, identity) VALUES (?, ?, ?, ?, ?, ?)",
        (competition_id, data.leader, data.follower, data.club, data.country, identity(data.leader, data.follower)),
    )
    return inserted_id(cur)


def update_couple(
    conn: sqlite3.Connection, couple_id: int, leader: str, follower: str, club: str, country: str
) -> None:
    conn.execute(
        "UPDATE couples SET leader = ?, follower = ?, club = ?, country = ?, identity = ? WHERE id = ?",
        (leader, follower, club, country, identity(leader, follower), couple_id),
    )


def _couple(row: sqlite3.Row) -> Couple:
    return Couple(
        row["id"], row["competition_id"], row["leader"], row["follower"], row["club"], row["country"], row["bib"]
    )


def get_couple(conn: sqlite3.Connection, couple_id: int) -> Couple | None:
    row = conn.execute("SELECT * FROM couples WHERE id = ?", (couple_id,)).fetchone()
    return _couple(row) if row else None


def couple_identity_owner(conn: sqlite3.Connection, competition_id: int, ident: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM couples WHERE competition_id = ? AND identity = ?", (competition_id, ident)
    ).fetchone()
    return row[0] if row else None


def couple_identities(conn: sqlite3.Connection, competition_id: int) -> dict[str, int]:
    """identity -> couple id of every couple of the competition (one query, for checking a whole CSV file)."""
    rows = conn.execute("SELECT identity, id FROM couples WHERE competition_id = ?", (competition_id,))
    return {r[0]: r[1] for r in rows}


def entered_pairs(conn: sqlite3.Connection, competition_id: int) -> set[tuple[int, int]]:
    """(couple id, event id) of every entry of the competition, scratched ones too (an entry is never made twice)."""
    rows = conn.execute(
        "SELECT couple_id, event_id FROM entries WHERE event_id IN (SELECT id FROM events WHERE competition_id = ?)",
        (competition_id,),
    )
    return {(r[0], r[1]) for r in rows}


def entry_exists(conn: sqlite3.Connection, event_id: int, couple_id: int) -> bool:
    return (
        conn.execute("SELECT 1 FROM entries WHERE event_id = ? AND couple_id = ?", (event_id, couple_id)).fetchone()
        is not None
    )


def insert_entry(conn: sqlite3.Connection, event_id: int, couple_id: int, late: bool) -> int:
    cur = conn.execute(
        "INSERT INTO entries (event_id, couple_id, late) VALUES (?, ?, ?)", (event_id, couple_id, int(late))
    )
    return inserted_id(cur)


_ENTRY_SELECT = """
    SELECT n.id AS entry_id, n.event_id, ev.name AS event_name, n.status, n.late, c.*
    FROM entries n JOIN couples c ON c.id = n.couple_id JOIN events ev ON ev.id = n.event_id
"""


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(row["entry_id"], row["event_id"], row["event_name"], _couple(row), row["status"], bool(row["late"]))


def get_entry(conn: sqlite3.Connection, entry_id: int) -> Entry | None:
    row = conn.execute(_ENTRY_SELECT + " WHERE n.id = ?", (entry_id,)).fetchone()
    return _entry(row) if row else None


def list_entries(conn: sqlite3.Connection, competition_id: int) -> list[Entry]:
    rows = conn.execute(
        _ENTRY_SELECT + " WHERE c.competition_id = ? ORDER BY ev.position, c.bib, c.id", (competition_id,)
    )
    return [_entry(r) for r in rows]


def couple_entries(conn: sqlite3.Connection, couple_id: int) -> list[Entry]:
    return [_entry(r) for r in conn.execute(_ENTRY_SELECT + " WHERE c.id = ? ORDER BY ev.position", (couple_id,))]


def set_entry_status(conn: sqlite3.Connection, entry_id: int, status: str) -> None:
    conn.execute("UPDATE entries SET status = ? WHERE id = ?", (status, entry_id))


def active_couples(conn: sqlite3.Connection, event_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT couple_id FROM entries WHERE event_id = ? AND status = 'entered' ORDER BY couple_id", (event_id,)
    )
    return [r[0] for r in rows]


def couples_needing_bibs(conn: sqlite3.Connection, competition_id: int) -> list[int]:
    rows = conn.execute(
        """SELECT c.id FROM couples c WHERE c.competition_id = ? AND c.bib IS NULL
           AND EXISTS (SELECT 1 FROM entries n WHERE n.couple_id = c.id AND n.status = 'entered') ORDER BY c.id""",
        (competition_id,),
    )
    return [r[0] for r in rows]


def used_bibs(conn: sqlite3.Connection, competition_id: int) -> set[int]:
    return {
        r[0]
        for r in conn.execute("SELECT bib FROM couples WHERE competition_id = ? AND bib IS NOT NULL", (competition_id,))
    }


def set_bib(conn: sqlite3.Connection, couple_id: int, bib: int) -> None:
    conn.execute("UPDATE couples SET bib = ? WHERE id = ?", (bib, couple_id))


def bibs(conn: sqlite3.Connection, couple_ids: list[int]) -> dict[int, int]:
    if not couple_ids:
        return {}
    query = "SELECT id, bib FROM couples WHERE id IN (SELECT value FROM json_each(?))"
    return {r[0]: r[1] for r in conn.execute(query, (json.dumps(couple_ids),))}
