"""Loading what a use case acts on, or failing with NotFound naming it."""

from __future__ import annotations

import sqlite3
from typing import TypeVar

from appliance import words
from appliance.db import competitions as db
from appliance.db import devices as dev_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.errors import NotFound
from appliance.i18n import _
from appliance.model.competition import Adjudicator, Competition, Event
from appliance.model.registration import Couple, Entry

T = TypeVar("T")


def _found(value: T | None, message: str, field: str) -> T:
    """The value, or NotFound naming the field."""
    if value is None:
        raise NotFound(message, field)
    return value


def competition(conn: sqlite3.Connection, competition_id: int) -> Competition:
    return _found(
        db.get_competition(conn, competition_id), _("no competition {id}", id=competition_id), "competition_id"
    )


def event(conn: sqlite3.Connection, event_id: int) -> Event:
    return _found(db.get_event(conn, event_id), _("no event {id}", id=event_id), "event_id")


def adjudicator(conn: sqlite3.Connection, adjudicator_id: int) -> Adjudicator:
    return _found(
        db.get_adjudicator(conn, adjudicator_id), _("no adjudicator {id}", id=adjudicator_id), "adjudicator_id"
    )


def couple(conn: sqlite3.Connection, couple_id: int) -> Couple:
    return _found(reg_db.get_couple(conn, couple_id), _("no couple {id}", id=couple_id), "couple_id")


def link_row(conn: sqlite3.Connection, token: str) -> sqlite3.Row:
    return _found(reg_db.get_link(conn, token), _("no such registration link"), "token")


def device_row(conn: sqlite3.Connection, device_id: str) -> sqlite3.Row:
    return _found(dev_db.get_device(conn, device_id), _("no device {id}", id=device_id), "device_id")


def sheet_row(conn: sqlite3.Connection, round_id: int, dance: str, adjudicator_id: int) -> sqlite3.Row:
    return _found(
        marks_db.get_sheet(conn, round_id, dance, adjudicator_id),
        _("no {dance} sheet of that judge in round {round}", dance=dance, round=round_id),
        "dance",
    )


def round_row(conn: sqlite3.Connection, round_id: int) -> sqlite3.Row:
    return _found(rounds_db.get_round(conn, round_id), _("no round {id}", id=round_id), "round_id")


def floor_row(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row:
    return _found(rounds_db.get_floor(conn, floor_id), _("no floor {id}", id=floor_id), "floor_id")


def entry(conn: sqlite3.Connection, entry_id: int) -> Entry:
    return _found(reg_db.get_entry(conn, entry_id), _("no entry {id}", id=entry_id), "entry_id")


couple_label = words.couple_label  # "couple 12" (German "Paar 12"), or its names before bibs are given
