"""SQL for the judges' signatures: one PNG per judge and round, signed on the tablet at the end of the round."""

from __future__ import annotations

import sqlite3


def save_signature(conn: sqlite3.Connection, round_id: int, adjudicator_id: int, png: bytes, sha256: str) -> None:
    """Insert the judge's signature of the round, or replace it (signed again)."""
    conn.execute(
        """INSERT INTO signatures (round_id, adjudicator_id, png, sha256) VALUES (?, ?, ?, ?)
           ON CONFLICT (round_id, adjudicator_id) DO UPDATE SET png = excluded.png, sha256 = excluded.sha256""",
        (round_id, adjudicator_id, png, sha256),
    )


def _present(conn: sqlite3.Connection) -> bool:
    """A database the read-only CLI opens may predate the table (the server migrates it at its next start)."""
    return (
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'signatures'").fetchone() is not None
    )


def signatures_of(conn: sqlite3.Connection, round_id: int) -> dict[str, bytes]:
    """judge letter -> the PNG they signed the round with."""
    if not _present(conn):
        return {}
    rows = conn.execute(
        """SELECT a.letter, s.png FROM signatures s JOIN adjudicators a ON a.id = s.adjudicator_id
           WHERE s.round_id = ?""",
        (round_id,),
    )
    return {r[0]: bytes(r[1]) for r in rows}


def dances_sent(conn: sqlite3.Connection, round_id: int, adjudicator_id: int) -> set[str]:
    """The dances of the round for which this judge's sheet is in."""
    rows = conn.execute(
        "SELECT dance FROM sheets WHERE round_id = ? AND adjudicator_id = ?", (round_id, adjudicator_id)
    )
    return {r[0] for r in rows}


def keyed_judges(conn: sqlite3.Connection, round_id: int) -> set[str]:
    """The letters of the judges with a sheet of this round keyed in by the scrutineer (not wholly digital)."""
    rows = conn.execute(
        """SELECT DISTINCT a.letter FROM sheets s JOIN adjudicators a ON a.id = s.adjudicator_id
           WHERE s.round_id = ? AND s.keyed = 1""",
        (round_id,),
    )
    return {r[0] for r in rows}


def unsigned_rounds(conn: sqlite3.Connection, competition_id: int, adjudicator_id: int) -> list[sqlite3.Row]:
    """Rounds (round_id, event, round, dances, sent) where this judge has sheets, no signature yet, and the result
    is not official; `sent` counts the judge's sheets, `dances` is the event's dance list (JSON)."""
    if not _present(conn):
        return []
    return conn.execute(
        """SELECT r.id AS round_id, e.name AS event, r.name AS round, e.dances AS dances, count(*) AS sent
           FROM sheets s JOIN rounds r ON r.id = s.round_id JOIN events e ON e.id = r.event_id
           LEFT JOIN signatures g ON g.round_id = r.id AND g.adjudicator_id = s.adjudicator_id
           LEFT JOIN results x ON x.round_id = r.id
           WHERE s.adjudicator_id = ? AND e.competition_id = ? AND g.round_id IS NULL AND coalesce(x.official, 0) = 0
           GROUP BY r.id ORDER BY e.position, r.number""",
        (adjudicator_id, competition_id),
    ).fetchall()
