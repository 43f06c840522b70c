"""Each floor's running order: its rounds flattened into (event, round, dance, heat) items, and where it is now."""

from __future__ import annotations

import json
import sqlite3
from typing import Literal

from appliance.db import marks as marks_db
from appliance.db import rounds as db
from appliance.errors import Conflict, NotFound
from appliance.i18n import _
from appliance.model.rounds import FloorStatus, RunningItem
from appliance.services import Context, lookups

Move = Literal["start", "next", "previous", "stop"]


def items(conn: sqlite3.Connection, floor_id: int) -> list[RunningItem]:
    """The floor's running order: every scheduled round, dance by dance, heat by heat."""
    result: list[RunningItem] = []
    for row in db.scheduled_rounds(conn, floor_id):
        heats = db.heats_by_bib(conn, row["round_id"])
        for dance in json.loads(row["dances"]):
            split = heats.get(dance, [])
            for number, bibs in enumerate(split, start=1):
                result.append(
                    RunningItem(
                        len(result) + 1,
                        row["event_id"],
                        row["event_name"],
                        row["round_id"],
                        row["round_name"],
                        dance,
                        number,
                        len(split),
                        bibs,
                    )
                )
    return result


def _floor(conn: sqlite3.Connection, floor_id: int) -> sqlite3.Row:
    floor = db.get_floor(conn, floor_id)
    if floor is None:
        raise NotFound(_("no floor {floor_id}", floor_id=floor_id), "floor_id")
    return floor


def _index(floor: sqlite3.Row, order: list[RunningItem]) -> int | None:
    key = (floor["current_round"], floor["current_dance"], floor["current_heat"])
    return next((i for i, it in enumerate(order) if (it.round_id, it.dance, it.heat) == key), None)


def status_tx(conn: sqlite3.Connection, floor_id: int) -> FloorStatus:
    floor = _floor(conn, floor_id)
    order = items(conn, floor_id)
    at = _index(floor, order)
    if at is None:
        now, upcoming = None, (order[0] if order else None)
    else:
        now, upcoming = order[at], (order[at + 1] if at + 1 < len(order) else None)
    return FloorStatus(floor_id, floor["name"], floor["state"], now, upcoming, len(order))


async def running_order(ctx: Context, floor_id: int) -> list[RunningItem]:
    def read(conn: sqlite3.Connection) -> list[RunningItem]:
        _floor(conn, floor_id)
        return items(conn, floor_id)

    return await ctx.store.read(read)


async def status(ctx: Context, floor_id: int) -> FloorStatus:
    return await ctx.store.read(lambda conn: status_tx(conn, floor_id))


def _target(move: Move, floor: sqlite3.Row, order: list[RunningItem]) -> tuple[str, int]:
    at = _index(floor, order)
    if not order:
        raise Conflict(_("nothing is scheduled on this floor yet: close registration first"), "floor_id")
    if move == "start":
        if floor["state"] == "running":
            raise Conflict(_("the floor is running already"), "floor_id")
        return "running", at if at is not None else 0
    if floor["state"] != "running":
        if floor["state"] == "stopped":
            raise Conflict(_("the floor is stopped: start it first"), "floor_id")
        raise Conflict(_("the floor is idle: start it first"), "floor_id")
    if move == "stop":
        return "stopped", at if at is not None else 0
    step = 1 if move == "next" else -1
    target = (at if at is not None else 0) + step
    if not 0 <= target < len(order):
        raise Conflict(
            _("this is the last item of the running order")
            if step > 0
            else _("this is the first item of the running order"),
            "floor_id",
        )
    return "running", target


async def move(ctx: Context, floor_id: int, move_: Move) -> FloorStatus:
    """start, next, previous or stop: moves the floor's pointer; entering a round marks it running."""

    def tx(conn: sqlite3.Connection) -> FloorStatus:
        floor = _floor(conn, floor_id)
        order = items(conn, floor_id)
        state, target = _target(move_, floor, order)
        item = order[target]
        db.set_floor(conn, floor_id, state, item.round_id, item.dance, item.heat)
        round_row = lookups.round_row(conn, item.round_id)
        if state == "running" and round_row["state"] == "drawn":
            db.set_round_state(conn, item.round_id, "running")
            marks_db.freeze_round_panel(conn, item.round_id)
        ctx.log(conn, f"floor.{move_}", f"floor/{floor_id}", {"state": state, "item": item})
        return status_tx(conn, floor_id)

    return await ctx.store.write(tx)
