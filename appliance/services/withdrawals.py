"""A couple withdrawn mid-event by the scrutineer (issue #10 point 3) or disqualified by the chair (point 4), and
the chair's warning for the step limit (issue #11 point 1: the ESV's `vd` 1; a disqualification for the step limit
is `vd` 2).

What each changes in the tablets, the sheets' checks and the computation is in services/absences.py. Here:
the use cases, each one write transaction, logged (`couple.withdrawn`, `couple.disqualified`, `couple.warned`:
the chair's report lists them) and rebuilt by `floorcraft verify` (db/replay_outcomes.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import TypeVar

from appliance.db import marks as marks_db
from appliance.db import outcomes as db
from appliance.db import rounds as rounds_db
from appliance.errors import Conflict, Unauthorized
from appliance.i18n import Message, _
from appliance.model.outcomes import DisqualificationIn, EntryOutcome, EntryWarning, WarningIn, WithdrawalIn
from appliance.model.registration import Entry
from appliance.services import Context, chair_pin, lookups, results
from appliance.trust import auth
from appliance.words import couple_label, round_name, state_word

OPEN = ("drawn", "running")
T = TypeVar("T")


def _entry(conn: sqlite3.Connection, entry_id: int, status: str) -> Entry:
    entry = lookups.entry(conn, entry_id)
    who, event = couple_label(entry.couple), entry.event
    if entry.status == "scratched":
        raise Conflict(_("{who} is scratched from {event}: it no longer dances", who=who, event=event), "entry_id")
    if any(o["entry_id"] == entry_id and o["status"] == status for o in db.of_event(conn, entry.event_id)):
        raise Conflict(
            _("{who} is {status} already in {event}", who=who, status=state_word(status), event=event), "entry_id"
        )
    return entry


async def withdraw(ctx: Context, principal: auth.Principal, entry_id: int, data: WithdrawalIn) -> EntryOutcome:
    """The scrutineer marks a couple withdrawn from the round it is dancing, with the reason."""

    def tx(conn: sqlite3.Connection) -> EntryOutcome:
        entry = _entry(conn, entry_id, "withdrawn")
        who = couple_label(entry.couple)
        if any(o["entry_id"] == entry_id for o in db.of_event(conn, entry.event_id)):
            raise Conflict(_("{who} is disqualified from {event} already", who=who, event=entry.event), "entry_id")
        row = db.latest_round_of(conn, entry.event_id, entry.couple.id)
        if row is None:
            message = _(
                "{who} is not drawn into a round of {event} yet: scratch the entry instead", who=who, event=entry.event
            )
            raise Conflict(message, "entry_id")
        if row["state"] not in OPEN:
            message = _(
                "{who} has finished dancing in {event} (the {round} is {state}): a withdrawal changes nothing now; "
                "a disqualification is the chair's",
                who=who,
                event=entry.event,
                round=round_name(row["name"]),
                state=state_word(row["state"]),
            )
            raise Conflict(message, "entry_id")
        event = lookups.event(conn, entry.event_id)
        sent = db.danced_dances(conn, row["id"]) if row["kind"] == "final" else []
        danced = [d for d in event.dances if d in sent]
        db.set_outcome(conn, entry_id, "withdrawn", row["id"], danced, data.reason, principal.device_id)
        ctx.log(
            conn,
            "couple.withdrawn",
            f"entry/{entry_id}",
            {
                "entry_id": entry_id,
                "event_id": entry.event_id,
                "couple_id": entry.couple.id,
                "bib": entry.couple.bib,
                "round_id": row["id"],
                "round": row["name"],
                "danced": danced,
                "placed": row["kind"] == "final",  # a final still places it; a recall round leaves it out
                "reason": data.reason,
                "by": principal.device_id,
            },
        )
        return EntryOutcome(entry_id, entry.event_id, entry.couple.bib, "withdrawn", data.reason, row["id"], danced)

    return await ctx.store.write(tx)


def _drawn(conn: sqlite3.Connection, entry: Entry) -> sqlite3.Row:
    """The last round of the event the couple is drawn into; none yet is 409 for the chair's warning and
    disqualification alike (a couple not yet in the event's draw is the scrutineer's to scratch)."""
    row = db.latest_round_of(conn, entry.event_id, entry.couple.id)
    if row is None:
        who = couple_label(entry.couple)
        message = _("{who} is not drawn into a round of {event} yet: it has not danced", who=who, event=entry.event)
        raise Conflict(message, "entry_id")
    return row


def _final_with_result(conn: sqlite3.Connection, event_id: int) -> sqlite3.Row | None:
    rounds = rounds_db.rounds_of(conn, event_id)
    final = rounds[-1] if rounds and rounds[-1]["kind"] == "final" else None
    return final if final is not None and marks_db.get_result(conn, final["id"]) is not None else None


def _competition(conn: sqlite3.Connection, entry_id: int) -> int:
    return lookups.entry(conn, entry_id).couple.competition_id


def _recompute(conn: sqlite3.Connection, final: sqlite3.Row) -> dict:
    """The final computed again without the disqualified couple; an official result stays official."""
    event = lookups.event(conn, final["event_id"])
    computed = results.computation(conn, final, event)
    if computed is None:  # a stored result had every sheet; it still has them
        message = _("the {round} of {event} lacks sheets", round=round_name(final["name"]), event=event.name)
        raise Conflict(message, "entry_id")
    *_rest, result, checksum = computed
    official = final["state"] == "official"
    marks_db.save_result(conn, final["id"], final["kind"], json.dumps(result), checksum)
    if official:
        marks_db.set_official(conn, final["id"])
    return {"round_id": final["id"], "result": result, "sheets_checksum": checksum, "official": official}


def _signed_off(conn: sqlite3.Connection, entry: Entry, pin_given: bool, what: Message) -> bool:
    """Whether the event's final is signed off; then the chair's PIN is needed (401 without it)."""
    final = _final_with_result(conn, entry.event_id)
    signed_off = final is not None and final["state"] == "official"
    if signed_off and not pin_given:
        message = _("the final of {event} is signed off: {what} needs the chair's PIN", event=entry.event, what=what)
        raise Unauthorized(message, "pin")
    return signed_off


async def _as_chair(ctx: Context, principal: auth.Principal, entry_id: int, pin: str | None, tx: Callable) -> T:
    """Run the chair's write `tx(conn, pin_given)`; a PIN, when given, is checked first (with its lockout)."""
    competition_id = await ctx.store.read(lambda conn: _competition(conn, entry_id))
    verdict = None
    if pin is not None:
        verdict = await chair_pin.check(ctx, principal.device_id, competition_id, pin)

    def run(conn: sqlite3.Connection) -> T | None:
        if verdict is not None and not chair_pin.settle(ctx, conn, principal.device_id, competition_id, verdict):
            return None  # the wrong PIN is counted (committed); answered below
        return tx(conn, verdict is not None)

    done = await ctx.store.write(run)
    if done is None:
        raise Unauthorized(_("wrong chair's PIN"), "pin")
    return done


async def disqualify(ctx: Context, principal: auth.Principal, entry_id: int, data: DisqualificationIn) -> EntryOutcome:
    """The chair disqualifies a couple (for the step limit or another reason): it leaves the event's result ("DQ");
    a final with a result is computed again without it. After the sign-off the chair's PIN is needed (checked
    first, with its lockout); the result stays official and nothing else reopens. A couple not yet drawn into a
    round of the event is refused (409), as for a warning: it is not in the event's draw yet to be put out of it."""

    def tx(conn: sqlite3.Connection, pin_given: bool) -> EntryOutcome:
        entry = _entry(conn, entry_id, "disqualified")
        latest = _drawn(conn, entry)  # as a warning: for what happened in the event, not before it
        signed_off = _signed_off(conn, entry, pin_given, _("a disqualification"))
        final = _final_with_result(conn, entry.event_id)
        in_final = final is not None and latest["id"] == final["id"]
        # the round it affects: still danced (its marks are left out) or the final with a result (computed again)
        row = latest if in_final or latest["state"] in OPEN else None
        round_id = row["id"] if row else None
        db.set_outcome(conn, entry_id, "disqualified", round_id, [], data.reason, principal.device_id, data.step_limit)
        recomputed = _recompute(conn, final) if in_final and final is not None else None
        payload = {
            "entry_id": entry_id,
            "event_id": entry.event_id,
            "couple_id": entry.couple.id,
            "bib": entry.couple.bib,
            "round_id": round_id,
            "reason": data.reason,
            "step_limit": data.step_limit,
            "by": principal.device_id,
            "after_sign_off": signed_off,
            "recomputed": recomputed,
        }
        ctx.log(conn, "couple.disqualified", f"entry/{entry_id}", payload)
        checksum = recomputed["sheets_checksum"] if recomputed else None
        bib = entry.couple.bib
        return EntryOutcome(
            entry_id, entry.event_id, bib, "disqualified", data.reason, round_id, [], checksum, data.step_limit
        )

    return await _as_chair(ctx, principal, entry_id, data.pin, tx)


async def warn(ctx: Context, principal: auth.Principal, entry_id: int, data: WarningIn) -> EntryWarning:
    """The chair warns a couple for the step limit (the DTV's ESV `vd` 1): once per couple and event, for a couple
    that has danced and is not disqualified; it changes no place. After the sign-off the chair's PIN is needed."""

    def tx(conn: sqlite3.Connection, pin_given: bool) -> EntryWarning:
        entry = _entry(conn, entry_id, "disqualified")  # scratched or disqualified: a warning changes nothing
        bib, who = entry.couple.bib, couple_label(entry.couple)
        if any(w["entry_id"] == entry_id for w in db.warnings_of_event(conn, entry.event_id)):
            message = _(
                "{who} is warned for the step limit in {event} already: "
                "another breach is a disqualification for the step limit",
                who=who,
                event=entry.event,
            )
            raise Conflict(message, "entry_id")
        row = _drawn(conn, entry)
        signed_off = _signed_off(conn, entry, pin_given, _("a warning"))
        db.set_warning(conn, entry_id, row["id"], data.reason, principal.device_id)
        payload = {
            "entry_id": entry_id,
            "event_id": entry.event_id,
            "couple_id": entry.couple.id,
            "bib": bib,
            "round_id": row["id"],
            "round": row["name"],
            "reason": data.reason,
            "by": principal.device_id,
            "after_sign_off": signed_off,
        }
        ctx.log(conn, "couple.warned", f"entry/{entry_id}", payload)
        return EntryWarning(entry_id, entry.event_id, bib, data.reason, row["id"])

    return await _as_chair(ctx, principal, entry_id, data.pin, tx)
