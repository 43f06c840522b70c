"""Closing registration: bib numbers, the round plan of every event, the first draw and each floor's schedule."""

from __future__ import annotations

import hashlib
import secrets
import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as db
from appliance.db import stars as stars_db
from appliance.errors import Conflict, Invalid
from appliance.i18n import _, message_of
from appliance.model.competition import Competition, Event
from appliance.model.rounds import CloseIn, CloseReport, EventPlan, PlanIn, Round
from appliance.planning import PlanError, PlannedRound, draw_heats, plan_from_recalls, plan_rounds, with_joining
from appliance.services import Context, joining, lookups

NOT_STARTED = ("planned", "drawn")


def round_seed(seed: int, event_id: int, number: int) -> int:
    """Each round's own seed, derived from the competition's draw seed (stored, so the draw can be repeated)."""
    digest = hashlib.sha256(f"{seed}:{event_id}:{number}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def started(conn: sqlite3.Connection, event_id: int) -> bool:
    return any(r["state"] not in NOT_STARTED for r in db.rounds_of(conn, event_id))


def require_not_started(conn: sqlite3.Connection, event_id: int) -> None:
    if started(conn, event_id):
        raise Conflict(_("the event has started; its entries and plan can no longer change"), "event_id")


def assign_bibs(ctx: Context, conn: sqlite3.Connection, competition: Competition) -> int:
    """Give every entered couple without a bib the next free number from `first_bib`; given bibs never change."""
    used = reg_db.used_bibs(conn, competition.id)
    bib = competition.first_bib
    assigned = {}
    for couple_id in reg_db.couples_needing_bibs(conn, competition.id):
        while bib in used:
            bib += 1
        reg_db.set_bib(conn, couple_id, bib)
        used.add(bib)
        assigned[couple_id] = bib
    if assigned:
        ctx.log(conn, "bibs.assigned", f"competition/{competition.id}", {str(k): v for k, v in assigned.items()})
    return len(assigned)


def round_out(conn: sqlite3.Connection, row: sqlite3.Row) -> Round:
    return Round(
        row["id"],
        row["event_id"],
        row["number"],
        row["name"],
        row["kind"],
        row["planned_couples"],
        row["recall"],
        row["seed"],
        row["state"],
        db.heats_by_bib(conn, row["id"]),
        [p["letter"] for p in marks_db.round_panel(conn, row["id"])],
        row["redance_of"],
    )


def _draw(ctx: Context, conn: sqlite3.Connection, event: Event, round_row: sqlite3.Row, couples: list[int]) -> None:
    db.set_round_couples(conn, round_row["id"], couples)
    heats = draw_heats(
        couples,
        event.dances,
        event.max_per_heat,
        round_row["seed"],
        event.redraw_per_dance,
        final=round_row["kind"] == "final",
    )
    db.set_heats(conn, round_row["id"], heats)
    db.set_round_state(conn, round_row["id"], "drawn")
    marks_db.freeze_round_panel(conn, round_row["id"])
    ctx.log(
        conn,
        "round.drawn",
        f"round/{round_row['id']}",
        {
            "event_id": event.id,
            "round_id": round_row["id"],
            "round": round_row["name"],
            "seed": round_row["seed"],
            "couples": couples,
            "heats": db.heats_by_bib(conn, round_row["id"]),
        },
    )


def _plan(
    ctx: Context,
    conn: sqlite3.Connection,
    event: Event,
    planned: list[PlannedRound],
    seed_of,
    position: int | None = None,
) -> None:
    couples = first_round_couples(conn, event.id)
    seeds = [seed_of(p.number) for p in planned]
    ids = [db.insert_round(conn, event.id, p, seed) for p, seed in zip(planned, seeds, strict=True)]
    first = next((rid for p, rid in zip(planned, ids, strict=True) if p.number == 1), None)
    if first is not None:
        position = db.schedule_round(conn, event.floor_id, first, position)
    # the log carries what a rebuild needs (db/replay.py): the rounds' ids and seeds, the schedule slot
    ctx.log(
        conn,
        "event.planned",
        f"event/{event.id}",
        {
            "entries": len(couples),
            "rounds": planned,
            "round_ids": ids,
            "seeds": seeds,
            "schedule": None if first is None else {"floor_id": event.floor_id, "position": position},
        },
    )
    if first is not None:
        _draw(ctx, conn, event, lookups.round_row(conn, first), couples)


def first_round_couples(conn: sqlite3.Connection, event_id: int) -> list[int]:
    """The entered couples who dance the 1st round: all but the star couples (seeded into a later round)."""
    starred = stars_db.stars_of(conn, event_id)
    return [c for c in reg_db.active_couples(conn, event_id) if c not in starred]


def _event_plan(conn: sqlite3.Connection, event: Event) -> EventPlan:
    rounds = [round_out(conn, r) for r in db.rounds_of(conn, event.id)]
    stars = {}
    for couple_id, number in stars_db.stars_of(conn, event.id).items():
        couple = reg_db.get_couple(conn, couple_id)
        if couple is not None and couple.bib is not None:
            stars[couple.bib] = number
    entries = len(reg_db.active_couples(conn, event.id))
    return EventPlan(event.id, event.name, entries, rounds, stars, stars_db.redance_recall(conn, event.id))


async def close_registration(ctx: Context, competition_id: int, data: CloseIn) -> CloseReport:
    seed = data.seed if data.seed is not None else secrets.randbits(48)

    from appliance.services.entry_import import running  # an import checked its rows against open registration

    def tx(conn: sqlite3.Connection) -> CloseReport:
        competition = lookups.competition(conn, competition_id)
        if competition.registration == "closed":
            raise Conflict(_("registration is closed already"), "competition_id")
        if running(competition_id):
            raise Conflict(_("an entry import is running; close registration when it has finished"), "competition_id")
        bibs = assign_bibs(ctx, conn, competition)
        plans = []
        for event in comp_db.list_events(conn, competition_id):
            planned = plan_rounds(len(reg_db.active_couples(conn, event.id)), event.final_size)
            _plan(ctx, conn, event, planned, lambda n, e=event.id: round_seed(seed, e, n))
            plans.append(_event_plan(conn, event))
        comp_db.set_registration(conn, competition_id, "closed", seed)
        ctx.log(conn, "registration.closed", f"competition/{competition_id}", {"seed": seed, "bibs": bibs})
        return CloseReport(competition_id, seed, bibs, plans)

    return await ctx.store.write(tx)


async def event_plan(ctx: Context, event_id: int) -> EventPlan:
    return await ctx.store.read(lambda conn: _event_plan(conn, lookups.event(conn, event_id)))


def _replace_plan(ctx: Context, conn: sqlite3.Connection, event: Event, planned: list[PlannedRound]) -> None:
    """Put a new plan in place of the old one, keeping each round's seed and the event's place in the schedule."""
    existing = db.rounds_of(conn, event.id)
    seeds = {r["number"]: r["seed"] for r in existing}
    position = (
        conn.execute("SELECT position FROM schedule WHERE round_id = ?", (existing[0]["id"],)).fetchone()
        if existing
        else None
    )
    competition_seed = comp_db.draw_seed(conn, event.competition_id) or 0
    db.replace_rounds(
        conn,
        event.id,
        lambda: _plan(
            ctx,
            conn,
            event,
            planned,
            lambda n: seeds.get(n, round_seed(competition_seed, event.id, n)),
            position[0] if position else None,
        ),
    )


async def replan(ctx: Context, event_id: int, data: PlanIn) -> EventPlan:
    """The chair's own plan, before the event starts: the first round is drawn again from its stored seed."""

    def tx(conn: sqlite3.Connection) -> EventPlan:
        event = lookups.event(conn, event_id)
        if not db.rounds_of(conn, event_id):
            raise Conflict(_("the event has no plan yet: close registration first"), "event_id")
        require_not_started(conn, event_id)
        try:
            count = len(first_round_couples(conn, event_id))
            planned = plan_from_recalls(count, data.recalls, joining.joining(conn, event_id))
        except PlanError as exc:
            raise Invalid(message_of(exc), "recalls") from None
        _replace_plan(ctx, conn, event, planned)
        return _event_plan(conn, event)

    return await ctx.store.write(tx)


def plan_still_fits(conn: sqlite3.Connection, event_id: int) -> bool:
    """Whether the event's plan still fits its couples (each round recalls fewer than dance it)."""
    existing = db.rounds_of(conn, event_id)
    recalls = [r["recall"] for r in existing if r["kind"] == "recall"]
    try:
        plan_from_recalls(len(first_round_couples(conn, event_id)), recalls, joining.joining(conn, event_id))
    except PlanError:
        return False
    return bool(existing)


def without_couple(heats: dict[str, list[list[int]]], couple_id: int) -> dict[str, list[list[int]]]:
    """The same heats with one couple taken out (a heat left empty is dropped); nobody else moves."""
    return {
        dance: [kept for heat in split if (kept := [c for c in heat if c != couple_id])]
        for dance, split in heats.items()
    }


def remove_from_draw(conn: sqlite3.Connection, event_id: int, couple_id: int) -> dict | None:
    """A scratch after the draw, before the event starts: the couple leaves the drawn round's couples and heats,
    the other couples keep theirs; what a rebuild needs (None: no drawn round holds the couple)."""
    drawn = [r for r in db.rounds_of(conn, event_id) if r["state"] == "drawn"]
    if not drawn or couple_id not in db.round_couples(conn, drawn[0]["id"]):
        return None
    round_id = drawn[0]["id"]
    couples = [c for c in db.round_couples(conn, round_id) if c != couple_id]
    by_id = db.heats_by_couple_id(conn, round_id)
    db.set_round_couples(conn, round_id, couples)
    db.set_heats(conn, round_id, without_couple(by_id, couple_id))
    db.set_planned_couples(conn, round_id, len(couples))
    return {"round_id": round_id, "couples": couples, "heats": db.heats_by_bib(conn, round_id)}


def refresh_plan(ctx: Context, conn: sqlite3.Connection, event_id: int) -> None:
    """After a late entry or a scratch before the event starts: keep the plan if it still fits, redraw round 1."""
    event = lookups.event(conn, event_id)
    count = len(first_round_couples(conn, event_id))
    existing = db.rounds_of(conn, event_id)
    recalls = [r["recall"] for r in existing if r["kind"] == "recall"]
    joins = joining.joining(conn, event_id)
    try:
        planned = (
            plan_from_recalls(count, recalls, joins)
            if existing and count
            else with_joining(plan_rounds(count, event.final_size), joins)
        )
    except PlanError:
        planned = plan_rounds(count, event.final_size)
    _replace_plan(ctx, conn, event, planned)
