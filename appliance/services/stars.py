"""Star couples and redance rounds (issue #10 points 5 and 6): the use cases, each one write transaction, logged
(`star.seeded`, `event.redance_set`, `round.redance_added`) and rebuilt by `floorcraft verify`
(db/replay_stars.py). Who then dances which round is services/joining.py.

- A star couple is seeded by the scrutineer into a later round of the plan (`round_number` 2 or more, a round
  of the ladder, not a redance) before the deadline the scrutineer sets for the event (if any) and before that
  round is drawn. Seeded while the 1st round is
  drawn but not started, the couple leaves that draw (the other couples keep their heats). The plan counts it:
  the round dances the couples recalled into it plus its star couples (a plan that would then recall as many
  couples as dance a round, or a final of more than 8, is refused: change the plan first).
- The event's redance after the 1st round: the chair (or the scrutineer at setup) sets how many it recalls,
  until the 1st round has a result; the couples the 1st round does not recall dance it, and the 2nd round
  dances the recalled ones plus the redance's recalled ones (and its star couples).
- A tie on a recall round's cut: beside "recall more" and "recall fewer" (POST /api/rounds/{id}/decision), the
  chair may have the tied couples dance a redance; the couples above the tie go straight through.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from appliance.db import marks as marks_db
from appliance.db import outcomes as outcomes_db
from appliance.db import rounds as rounds_db
from appliance.db import stars as db
from appliance.errors import Conflict, Invalid
from appliance.i18n import _
from appliance.model.rounds import EventPlan
from appliance.model.stars import RedanceIn, StarCouple, StarDeadline, StarDeadlineIn, StarIn
from appliance.services import Context, joining, lookups, provisioning, results
from appliance.trust import auth
from appliance.words import couple_label, round_name, state_word

NOT_DRAWN = "planned"


def _target(conn: sqlite3.Connection, event_id: int, number: int) -> sqlite3.Row:
    rows = [r for r in rounds_db.rounds_of(conn, event_id) if r["redance_of"] is None]
    if not rows:
        raise Conflict(_("the event has no plan yet: close registration first"), "entry_id")
    numbers = [r["number"] for r in rows[1:]]
    if number not in numbers:
        what = (
            _("one of {numbers}", numbers=", ".join(map(str, numbers)))
            if numbers
            else _("none: the event dances a straight final")
        )
        raise Invalid(_("round_number must be a round after the 1st of the plan: {what}", what=what), "round_number")
    row = next(r for r in rows if r["number"] == number)
    if row["state"] != NOT_DRAWN:
        raise Conflict(
            _(
                "the {round} is drawn already: a star couple is seeded before its round is drawn",
                round=round_name(row["name"]),
            ),
            "round_number",
        )
    return row


def _star_entry(conn: sqlite3.Connection, entry_id: int):
    entry = lookups.entry(conn, entry_id)
    who, event = couple_label(entry.couple), entry.event
    if entry.status == "scratched":
        raise Conflict(_("{who} is scratched from {event}: it no longer dances", who=who, event=event), "entry_id")
    if any(o["entry_id"] == entry_id for o in outcomes_db.of_event(conn, entry.event_id)):
        raise Conflict(_("{who} is withdrawn or disqualified in {event}", who=who, event=event), "entry_id")
    seeded = db.star_of(conn, entry_id)
    if seeded is not None:
        message = _("{who} is a star couple of {event} already (round {number})", who=who, event=event, number=seeded)
        raise Conflict(message, "entry_id")
    return entry


def _leave_first_draw(conn: sqlite3.Connection, event_id: int, couple_id: int, bib: int | None) -> dict | None:
    """A star couple drawn into the 1st round (not started) leaves it; one dancing a round already cannot."""
    row = outcomes_db.latest_round_of(conn, event_id, couple_id)
    if row is None:
        return None
    if row["number"] != 1 or row["state"] != "drawn":
        message = _(
            "couple {bib} dances the {round} already (it is {state})",
            bib=bib,
            round=round_name(row["name"]),
            state=state_word(row["state"]),
        )
        raise Conflict(message, "entry_id")
    return provisioning.remove_from_draw(conn, event_id, couple_id)


async def seed_star(ctx: Context, principal: auth.Principal, entry_id: int, data: StarIn) -> StarCouple:
    """The scrutineer seeds a couple into a later round of its event (before that round is drawn)."""

    def tx(conn: sqlite3.Connection) -> StarCouple:
        entry = _star_entry(conn, entry_id)
        deadline = db.star_deadline(conn, entry.event_id)
        if deadline is not None and ctx.now() >= dt.datetime.fromisoformat(deadline):
            message = _(
                "the deadline for star couples of {event} ({deadline}) has passed", event=entry.event, deadline=deadline
            )
            raise Conflict(message, "entry_id")
        row = _target(conn, entry.event_id, data.round_number)
        draw = _leave_first_draw(conn, entry.event_id, entry.couple.id, entry.couple.bib)
        db.set_star(conn, entry_id, data.round_number, principal.device_id)
        planned = joining.recount(conn, entry.event_id)
        joining.require_fits(conn, entry.event_id, planned, "round_number")
        db.set_planned(conn, planned)
        ctx.log(
            conn,
            "star.seeded",
            f"entry/{entry_id}",
            {
                "entry_id": entry_id,
                "event_id": entry.event_id,
                "couple_id": entry.couple.id,
                "bib": entry.couple.bib,
                "round_number": data.round_number,
                "round_id": row["id"],
                "round": row["name"],
                "draw": draw,
                "planned": planned,
                "by": principal.device_id,
            },
        )
        couples = planned.get(row["id"], row["planned_couples"])
        return StarCouple(entry_id, entry.event_id, entry.couple.bib, row["id"], row["number"], row["name"], couples)

    return await ctx.store.write(tx)


async def set_star_deadline(
    ctx: Context, principal: auth.Principal, event_id: int, data: StarDeadlineIn
) -> StarDeadline:
    """The scrutineer's deadline for seeding star couples into the event (None: each round's draw only)."""
    if data.deadline is not None and data.deadline.tzinfo is None:
        raise Invalid(_("deadline needs a time zone (e.g. 2026-12-05T09:00:00+01:00)"), "deadline")
    if data.deadline is not None and data.deadline.year < 2000:  # a bare number is read as seconds after 1970
        message = _("deadline is in {year}: it must be a date and time in 2000 or later", year=data.deadline.year)
        raise Invalid(message, "deadline")

    def tx(conn: sqlite3.Connection) -> StarDeadline:
        lookups.event(conn, event_id)
        deadline = data.deadline.isoformat() if data.deadline is not None else None
        db.set_star_deadline(conn, event_id, deadline)
        payload = {"event_id": event_id, "deadline": deadline, "by": principal.device_id}
        ctx.log(conn, "event.star_deadline_set", f"event/{event_id}", payload)
        return StarDeadline(event_id, data.deadline)

    return await ctx.store.write(tx)


def _first_round(conn: sqlite3.Connection, event_id: int) -> sqlite3.Row:
    rows = rounds_db.rounds_of(conn, event_id)
    if not rows:
        raise Conflict(_("the event has no plan yet: close registration first"), "event_id")
    first = rows[0]
    if first["kind"] == "final":
        raise Conflict(_("the event dances a straight final: there is no 1st round to redance"), "event_id")
    if first["state"] not in ("planned", "drawn", "running") or db.redance_after(conn, first["id"]) is not None:
        raise Conflict(
            _(
                "the {round} has a result already: its redance is set before it is computed (at a tie on "
                "the cut the chair may still call a redance of the tied couples: {path})",
                round=round_name(first["name"]),
                path="POST /api/rounds/{id}/redance",
            ),
            "event_id",
        )
    return first


async def set_event_redance(ctx: Context, principal: auth.Principal, event_id: int, data: RedanceIn) -> EventPlan:
    """The event's redance after the 1st round and how many it recalls (None: no redance)."""

    def tx(conn: sqlite3.Connection) -> EventPlan:
        event = lookups.event(conn, event_id)
        first = _first_round(conn, event_id)
        left = first["planned_couples"] - (first["recall"] or 0)
        if data.recall is not None and data.recall >= left:
            message = _(
                "the redance of the {n} couples the {round} does not recall must recall fewer than {n}",
                n=left,
                round=round_name(first["name"]),
            )
            raise Invalid(message, "recall")
        db.set_redance_recall(conn, event_id, data.recall)
        planned = joining.recount(conn, event_id)
        joining.require_fits(conn, event_id, planned, "recall")
        db.set_planned(conn, planned)
        ctx.log(
            conn,
            "event.redance_set",
            f"event/{event_id}",
            {"event_id": event_id, "recall": data.recall, "planned": planned, "by": principal.device_id},
        )
        return provisioning._event_plan(conn, event)

    return await ctx.store.write(tx)


def _tie(conn: sqlite3.Connection, row: sqlite3.Row) -> tuple[list[int], list[int]]:
    """(the bibs above the tie, the tied bibs) of a round waiting for the chair."""
    if row["state"] != "awaiting_chair":
        message = _(
            "the {round} is not waiting for the chair's decision on a tie at the cut", round=round_name(row["name"])
        )
        raise Conflict(message, "round_id")
    if row["redance_of"] is not None:
        raise Conflict(_("a tie in a redance is decided by recalling more or fewer (POST .../decision)"), "round_id")
    recall = db.redance_recall(conn, row["event_id"])
    if row["number"] == 1 and recall:
        raise Conflict(
            _(
                "the event has a redance after the 1st round already (the couples not recalled dance it): decide the "
                "tie by recalling more or fewer"
            ),
            "round_id",
        )
    options = sorted(results.round_result(conn, row["id"]).cut_options or [[], []], key=len)
    return options[0], sorted(set(options[-1]) - set(options[0]))


async def redance_at_cut(ctx: Context, principal: auth.Principal, round_id: int, data: RedanceIn) -> EventPlan:
    """The chair resolves a tie at the cut by a redance of the tied couples; those above it go straight through."""

    def tx(conn: sqlite3.Connection) -> EventPlan:
        row = lookups.round_row(conn, round_id)
        event = lookups.event(conn, row["event_id"])
        above, tied = _tie(conn, row)
        recall = data.recall if data.recall is not None else (row["recall"] or 0) - len(above)
        if not 1 <= recall < len(tied):
            message = _("the redance of the {n} tied couples recalls 1 to {most}", n=len(tied), most=len(tied) - 1)
            raise Invalid(message, "recall")
        everyone = sorted([*above, *tied])
        marks_db.set_decision(conn, round_id, json.dumps({"recall": len(everyone)}))
        ctx.log(
            conn,
            "round.decided",
            f"round/{round_id}",
            {"round_id": round_id, "recall": len(everyone), "redance": {"tied": tied, "recall": recall}},
        )
        bibs = marks_db.round_bibs(conn, round_id)
        joining.add_redance(ctx, conn, row, [bibs[b] for b in tied], [bibs[b] for b in above], recall)
        results._advance(ctx, conn, row, event, everyone)
        return provisioning._event_plan(conn, event)

    return await ctx.store.write(tx)
