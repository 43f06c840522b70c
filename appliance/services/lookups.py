"""Loading what a use case acts on, or failing with NotFound naming it."""

from __future__ import annotations

import sqlite3

from appliance.db import competitions as db
from appliance.db import devices as dev_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.errors import NotFound
from appliance.model.competition import Adjudicator, Competition, Event
from appliance.model.registration import Couple, Entry


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


def adjudicator(conn: sqlite3.Connection, adjudicator_id: int) -> Adjudicator:
    found = db.get_adjudicator(conn, adjudicator_id)
    if found is None:
        raise NotFound(f"no adjudicator {adjudicator_id}", "adjudicator_id")
    return found


def couple(conn: sqlite3.Connection, couple_id: int) -> Couple:
    found = reg_db.get_couple(conn, couple_id)
    if found is None:
        raise NotFound(f"no couple {couple_id}", "couple_id")
    return found


def link_row(conn: sqlite3.Connection, token: str) -> sqlite3.Row:
    found = reg_db.get_link(conn, token)
    if found is None:
        raise NotFound("no such registration link", "token")
    return found


def device_row(conn: sqlite3.Connection, device_id: str) -> sqlite3.Row:
    found = dev_db.get_device(conn, device_id)
    if found is None:
        raise NotFound(f"no device {device_id}", "device_id")
    return found


def sheet_row(conn: sqlite3.Connection, round_id: int, dance: str, adjudicator_id: int) -> sqlite3.Row:
    found = marks_db.get_sheet(conn, round_id, dance, adjudicator_id)
    if found is None:
        raise NotFound(f"no {dance} sheet of that judge in round {round_id}", "dance")
    return found


def round_row(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row:
    found = rounds_db.get_round(conn, round_id)
    if found is None:
        raise NotFound(f"no round {round_id}", "round_id")
    return found


def floor_row(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row:
    found = rounds_db.get_floor(conn, floor_id)
    if found is None:
        raise NotFound(f"no floor {floor_id}", "floor_id")
    return found


def entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    found = reg_db.get_entry(conn, entry_id)
    if found is None:
        raise NotFound(f"no entry {entry_id}", "entry_id")
    return found
