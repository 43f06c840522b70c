"""Loading what a use case acts on, or failing with NotFound naming it."""

from __future__ import annotations

import sqlite3

from appliance.db import competitions as db
from appliance.db import registration as reg_db
from appliance.errors import NotFound
from appliance.model.competition import Competition, Event
from appliance.model.registration import Entry


def competition(conn: sqlite3.Connection, competition_id: int) -> Competition:
    found = db.get_competition(conn, competition_id)
    if found is None:
        raise NotFound(f"no competition {competition_id}", "competition_id")
    return found


def event(conn: sqlite3.Connection, event_id: int) -> Event:
    found = db.get_event(conn, event_id)
    if found is None:
        raise NotFound(f"no event {event_id}", "event_id")
    return found


def entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    found = reg_db.get_entry(conn, entry_id)
    if found is None:
        raise NotFound(f"no entry {entry_id}", "entry_id")
    return found
