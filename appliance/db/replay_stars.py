"""`floorcraft verify`'s rebuild of star couples and redance rounds (issue #10 points 5 and 6) from the log."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from appliance.db import rounds as rounds_db
from appliance.db import stars as db


def _planned(conn: sqlite3.Connection, planned: dict) -> None:
    db.set_planned(conn, {int(r): c for r, c in planned.items()})


def _seeded(conn: sqlite3.Connection, entry_id: int, p: dict) -> None:
    db.set_star(conn, entry_id, p["round_number"], p["by"])
    kept = p.get("draw")  # the couple left the drawn 1st round; the other couples kept their heats
    if kept is not None:
        from appliance.db.replay import _heats_by_id  # the bibs -> couple ids of the scratch's rebuild

        rounds_db.set_round_couples(conn, kept["round_id"], kept["couples"])
        rounds_db.set_heats(conn, kept["round_id"], _heats_by_id(conn, kept["round_id"], kept["heats"]))
        rounds_db.set_planned_couples(conn, kept["round_id"], len(kept["couples"]))
    _planned(conn, p["planned"])


def _redance_set(conn: sqlite3.Connection, event_id: int, p: dict) -> None:
    db.set_redance_recall(conn, event_id, p["recall"])
    _planned(conn, p["planned"])


def _deadline(conn: sqlite3.Connection, event_id: int, p: dict) -> None:
    db.set_star_deadline(conn, event_id, p["deadline"])


def _redance_added(conn: sqlite3.Connection, round_id: int, p: dict) -> None:
    after = conn.execute("SELECT * FROM rounds WHERE id = ?", (p["after_round"],)).fetchone()
    db.make_room_after(conn, p["event_id"], after["number"])
    db.insert_redance(conn, after, p | {"id": round_id})
    rounds_db.set_round_couples(conn, round_id, p["couples"])
    _planned(conn, p["planned"])


REBUILT = {"star_couples": (("entry_id",), ())}
JSON_COLUMNS = {("rounds", "carried")}
HANDLERS: dict[str, Callable[..., None]] = {
    "star.seeded": _seeded,
    "event.redance_set": _redance_set,
    "event.star_deadline_set": _deadline,
    "round.redance_added": _redance_added,
}
