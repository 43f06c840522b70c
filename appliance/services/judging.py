"""What each judge's tablet is shown: the tasks on the floor, the sheets to review and the rounds to sign."""

from __future__ import annotations

import json
import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import marks as db
from appliance.db import rounds as rounds_db
from appliance.model.marks import Heat, JudgeTask, JudgeTasks
from appliance.model.rounds import RunningItem
from appliance.services import Context, absences, lookups, running_order, signatures
from appliance.trust import auth


def _task(
    conn: sqlite3.Connection,
    principal: auth.Principal,
    floor: sqlite3.Row,
    round_row: sqlite3.Row,
    dance: str,
    heat: int,
    now: bool,
) -> JudgeTask | None:
    event = lookups.event(conn, round_row["event_id"])
    seat = next((p for p in db.round_panel(conn, round_row["id"]) if p["id"] == principal.adjudicator_id), None)
    if seat is None or dance not in event.dances:
        return None
    gone = absences.dropped(conn, event.id, round_row["id"], dance)  # withdrawn or disqualified: not shown
    heats = [[b for b in h if b not in gone] for h in rounds_db.heats_by_bib(conn, round_row["id"]).get(dance, [])]
    sheet = db.get_sheet(conn, round_row["id"], dance, seat["id"])
    return JudgeTask(
        event.competition_id,
        seat["letter"],
        seat["name"],
        floor["id"],
        floor["name"],
        event.id,
        event.name,
        round_row["id"],
        round_row["name"],
        round_row["kind"],
        dance,
        heat,
        [Heat(i + 1, bibs) for i, bibs in enumerate(heats)],
        sorted(b for h in heats for b in h),
        min(round_row["recall"], sum(len(h) for h in heats)) if round_row["kind"] == "recall" else round_row["recall"],
        sheet is not None,
        sheet["checksum"] if sheet else None,
        now,
        json.loads(sheet["marks"]) if sheet else None,
        sheet["version"] if sheet else 0,
    )


def _review(
    conn: sqlite3.Connection, principal: auth.Principal, floor: sqlite3.Row, order: list[RunningItem]
) -> list[JudgeTask]:
    """The judge's own sheets in the floor's rounds not computed yet: they may still amend them."""
    seen: set[tuple[int, str]] = set()
    sent: list[JudgeTask] = []
    if principal.adjudicator_id is None:
        return sent
    for item in order:
        if (item.round_id, item.dance) in seen:
            continue
        seen.add((item.round_id, item.dance))
        if db.get_sheet(conn, item.round_id, item.dance, principal.adjudicator_id) is None:
            continue  # one indexed look-up: most of the running order holds no sheet of this judge
        round_row = lookups.round_row(conn, item.round_id)
        if round_row["state"] not in ("drawn", "running"):
            continue
        task = _task(conn, principal, floor, round_row, item.dance, item.heat, False)
        if task is not None and task.sent:
            sent.append(task)
    return sent


def judge_tasks_tx(conn: sqlite3.Connection, principal: auth.Principal) -> JudgeTasks:
    """The dance on the floor now on each floor (if the judge's panel dances it), then earlier dances not sent."""
    tasks: list[JudgeTask] = []
    review: list[JudgeTask] = []
    if principal.competition_id is None:  # only a device of the box's owner has none, and it judges nothing
        return JudgeTasks(tasks)
    for f in comp_db.floors(conn, principal.competition_id):
        floor = lookups.floor_row(conn, f.id)
        if floor["current_round"] is None:
            continue
        order = running_order.items(conn, floor["id"])
        review += _review(conn, principal, floor, order)
        here = (floor["current_round"], floor["current_dance"], floor["current_heat"])
        at = next((i for i, it in enumerate(order) if (it.round_id, it.dance, it.heat) == here), len(order))
        if floor["state"] == "running" and at < len(order):
            task = _task(conn, principal, floor, lookups.round_row(conn, here[0]), here[1], here[2], True)
            if task is not None:
                tasks.append(task)
        done = {(t.round_id, t.dance) for t in tasks}
        for item in order[:at]:
            round_row = lookups.round_row(conn, item.round_id)
            if round_row["state"] != "running" or (item.round_id, item.dance) in done:
                continue
            done.add((item.round_id, item.dance))
            task = _task(conn, principal, floor, round_row, item.dance, item.heat, False)
            if task is not None and not task.sent:
                tasks.append(task)
    return JudgeTasks(tasks, signatures.to_sign(conn, principal), review)


async def judge_tasks(ctx: Context, principal: auth.Principal) -> JudgeTasks:
    return await ctx.store.read(lambda conn: judge_tasks_tx(conn, principal))
