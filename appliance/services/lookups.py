"""Loading what a use case acts on, or failing with NotFound naming it."""

from __future__ import annotations

import sqlite3
from typing import TypeVar

from appliance.db import competitions as db
from appliance.db import devices as dev_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.errors import NotFound
from appliance.model.competition import Adjudicator, Competition, Event
from appliance.model.registration import Couple, Entry

T = TypeVar("T")


def _found(value: T | None, message: str, field: str) -> T:
    """The value, or NotFound naming the field."""
    if value is None:
        raise NotFound(message, field)
    return value


def competition(conn: sqlite3.Connection, competition_id: int) -> Competition:
    return _found(db.get_competition(conn, competition_id), f"no competition {competition_id}", "competition_id")


def event(conn: sqlite3.Connection, event_id: int) -> Event:
    return _found(db.get_event(conn, event_id), f"no event {event_id}", "event_id")


def adjudicator(conn: sqlite3.Connection, adjudicator_id: int) -> Adjudicator:
    return _found(db.get_adjudicator(conn, adjudicator_id), f"no adjudicator {adjudicator_id}", "adjudicator_id")


def couple(conn: sqlite3.Connection, couple_id: int) -> Couple:
    return _found(reg_db.get_couple(conn, couple_id), f"no couple {couple_id}", "couple_id")


def link_row(conn: sqlite3.Connection, token: str) -> sqlite3.Row:
    return _found(reg_db.get_link(conn, token), "no such registration link", "token")


def device_row(conn: sqlite3.Connection, device_id: str) -> sqlite3.Row:
    return _found(dev_db.get_device(conn, device_id), f"no device {device_id}", "device_id")


def sheet_row(conn: sqlite3.Connection, round_id: int, dance: str, adjudicator_id: int) -> sqlite3.Row:
    return _found(
        marks_db.get_sheet(conn, round_id, dance, adjudicator_id),
        f"no {dance} sheet of that judge in round {round_id}",
        "dance",
    )


def round_row(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row:
    return _found(rounds_db.get_round(conn, round_id), f"no round {round_id}", "round_id")


def floor_row(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row:
    return _found(rounds_db.get_floor(conn, floor_id), f"no floor {floor_id}", "floor_id")


def entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    return _found(reg_db.get_entry(conn, entry_id), f"no entry {entry_id}", "entry_id")


def couple_label(couple: Couple) -> str:
    """How a message names a couple: by its bib ("couple 12"), or by its names before bibs are given."""
    return f"couple {couple.bib}" if couple.bib is not None else f"the couple {couple.leader} / {couple.follower}"
