"""SQL for sheets of marks and round results."""

from __future__ import annotations

import sqlite3


def panel(conn: sqlite3.Connection, event_id: int) -> list[sqlite3.Row]:
    """The event's adjudicators (id, letter, name), by letter."""
    return conn.execute(
        """SELECT a.id, a.letter, a.name FROM panels p JOIN adjudicators a ON a.id = p.adjudicator_id
           WHERE p.event_id = ? ORDER BY length(a.letter), a.letter""",
        (event_id,),
    ).fetchall()


def round_panel(conn: sqlite3.Connection, round_id: int) -> list[sqlite3.Row]:
    """The adjudicators (id, letter, name) who judge (or judged) the round, by letter: the round's own panel,
    frozen when it was drawn; the event's panel (the default) for a round not drawn yet."""
    own = conn.execute(
        """SELECT a.id, a.letter, a.name FROM round_panels rp JOIN adjudicators a ON a.id = rp.adjudicator_id
           WHERE rp.round_id = ? ORDER BY length(a.letter), a.letter""",
        (round_id,),
    ).fetchall()
    if own:
        return own
    return conn.execute(
        """SELECT a.id, a.letter, a.name FROM rounds r JOIN panels p ON p.event_id = r.event_id
           JOIN adjudicators a ON a.id = p.adjudicator_id
           WHERE r.id = ? ORDER BY length(a.letter), a.letter""",
        (round_id,),
    ).fetchall()


def set_round_panel(conn: sqlite3.Connection, round_id: int, adjudicator_ids: list[int]) -> None:
    conn.execute("DELETE FROM round_panels WHERE round_id = ?", (round_id,))
    conn.executemany(
        "INSERT INTO round_panels (round_id, adjudicator_id) VALUES (?, ?)", [(round_id, a) for a in adjudicator_ids]
    )


def freeze_round_panel(conn: sqlite3.Connection, round_id: int) -> None:
    """A round being drawn or started keeps the event's panel as its own, unless it has its own already."""
    if conn.execute("SELECT 1 FROM round_panels WHERE round_id = ?", (round_id,)).fetchone() is None:
        conn.execute(
            """INSERT INTO round_panels (round_id, adjudicator_id)
               SELECT r.id, p.adjudicator_id FROM rounds r JOIN panels p ON p.event_id = r.event_id WHERE r.id = ?""",
            (round_id,),
        )


def follow_event_panel(conn: sqlite3.Connection, event_id: int) -> list[int]:
    """After the event's panel changed: every round of the event not started yet takes it; their ids."""
    ids = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM rounds WHERE event_id = ? AND state IN ('planned', 'drawn') ORDER BY number", (event_id,)
        )
    ]
    for round_id in ids:
        conn.execute("DELETE FROM round_panels WHERE round_id = ?", (round_id,))
        freeze_round_panel(conn, round_id)
    return ids


def round_bibs(conn: sqlite3.Connection, round_id: int) -> dict[int, int]:
    """bib -> couple id of the couples dancing the round."""
    rows = conn.execute(
        """SELECT c.bib, c.id FROM round_couples rc JOIN couples c ON c.id = rc.couple_id
                           WHERE rc.round_id = ? ORDER BY c.bib""",
        (round_id,),
    )
    return {r[0]: r[1] for r in rows}


def get_sheet(conn: sqlite3.Connection, round_id: int, dance: str, adjudicator_id: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM sheets WHERE round_id = ? AND dance = ? AND adjudicator_id = ?",
        (round_id, dance, adjudicator_id),
    ).fetchone()


def save_sheet(
    conn: sqlite3.Connection,
    round_id: int,
    dance: str,
    adjudicator_id: int,
    marks: str,
    checksum: str,
    entered_by: str,
    keyed: bool,
) -> int:
    """Insert the sheet or replace its marks (version + 1); returns the version."""
    existing = get_sheet(conn, round_id, dance, adjudicator_id)
    if existing is None:
        conn.execute(
            """INSERT INTO sheets (round_id, dance, adjudicator_id, marks, checksum, entered_by, keyed)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (round_id, dance, adjudicator_id, marks, checksum, entered_by, int(keyed)),
        )
        return 1
    conn.execute(
        "UPDATE sheets SET marks = ?, checksum = ?, version = version + 1, entered_by = ?, keyed = ? WHERE id = ?",
        (marks, checksum, entered_by, int(keyed), existing["id"]),
    )
    return existing["version"] + 1


def sheets_of(conn: sqlite3.Connection, round_id: int) -> list[sqlite3.Row]:
    return conn.execute(
        """SELECT s.*, a.letter FROM sheets s JOIN adjudicators a ON a.id = s.adjudicator_id
           WHERE s.round_id = ? ORDER BY s.dance, length(a.letter), a.letter""",
        (round_id,),
    ).fetchall()


def save_result(conn: sqlite3.Connection, round_id: int, kind: str, result: str, sheets_checksum: str) -> None:
    conn.execute(
        """INSERT INTO results (round_id, kind, result, sheets_checksum) VALUES (?, ?, ?, ?)
                    ON CONFLICT (round_id) DO UPDATE SET kind = excluded.kind, result = excluded.result,
                    sheets_checksum = excluded.sheets_checksum, decision = NULL, official = 0""",
        (round_id, kind, result, sheets_checksum),
    )


def get_result(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM results WHERE round_id = ?", (round_id,)).fetchone()


def set_decision(conn: sqlite3.Connection, round_id: int, decision: str) -> None:
    conn.execute("UPDATE results SET decision = ? WHERE round_id = ?", (decision, round_id))


def set_official(conn: sqlite3.Connection, round_id: int) -> None:
    conn.execute("UPDATE results SET official = 1 WHERE round_id = ?", (round_id,))


def set_chair_pin(conn: sqlite3.Connection, competition_id: int, pin_hash: str) -> None:
    conn.execute("UPDATE competitions SET chair_pin = ? WHERE id = ?", (pin_hash, competition_id))


def chair_pin(conn: sqlite3.Connection, competition_id: int) -> str | None:
    row = conn.execute("SELECT chair_pin FROM competitions WHERE id = ?", (competition_id,)).fetchone()
    return row[0] if row else None


def sheet_count(conn: sqlite3.Connection, round_id: int) -> int:
    return conn.execute("SELECT count(*) FROM sheets WHERE round_id = ?", (round_id,)).fetchone()[0]
