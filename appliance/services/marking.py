"""Marks capture: a judge's sheet per dance (or a paper sheet keyed by the scrutineer), amendments, corrections."""

from __future__ import annotations

import hashlib
import sqlite3

import msgspec

from appliance.db import changelog
from appliance.db import devices as dev_db
from appliance.db import marks as db
from appliance.db import rounds as rounds_db
from appliance.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from appliance.i18n import _, _n
from appliance.model.competition import Event
from appliance.model.marks import SheetIn, SheetReceipt
from appliance.services import Context, absences, chair_pin, lookups, results
from appliance.trust import auth
from appliance.words import round_name, state_word

OPEN_STATES = ("drawn", "running")


def sheet_checksum(round_id: int, dance: str, judge: str, marks: object) -> str:
    """The checksum a judge sees after sending, the desk shows and the exported results carry."""
    text = changelog.canonical({"round": round_id, "dance": dance, "judge": judge, "marks": marks})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _round(conn: sqlite3.Connection, round_id: int) -> tuple[sqlite3.Row, Event]:
    row = rounds_db.get_round(conn, round_id)
    if row is None:
        raise NotFound(_("no round {round_id}", round_id=round_id), "round_id")
    return row, lookups.event(conn, row["event_id"])


def _seat(
    conn: sqlite3.Connection, principal: auth.Principal, row: sqlite3.Row, event: Event, judge: str | None
) -> sqlite3.Row:
    """The seat on the round's panel the sheet is for: the adjudicator's own, or the one the scrutineer keys in."""
    seats = {r["letter"]: r for r in db.round_panel(conn, row["id"])}
    if principal.role == "adjudicator":
        if principal.competition_id != event.competition_id:
            raise Forbidden(_("this round is not in your competition"), "round_id")
        seat = next((r for r in seats.values() if r["id"] == principal.adjudicator_id), None)
        if seat is None:
            message = _(
                "judge {judge} is not on the panel of the {round} of {event}",
                judge=principal.judge,
                round=round_name(row["name"]),
                event=event.name,
            )
            raise Forbidden(message, "round_id")
        if judge is not None and judge != seat["letter"]:
            raise Forbidden(_("an adjudicator may only send their own sheets"), "judge")
        return seat
    if judge not in seats:
        message = _(
            "no judge {judge} on the panel of the {round} of {event}",
            judge=judge,
            round=round_name(row["name"]),
            event=event.name,
        )
        raise Invalid(message, "judge")
    return seats[judge]


def check_marks(kind: str, recall: int | None, bibs: list[int], sheet: SheetIn, strict_count: bool) -> object:
    """Rules 1-4 at the door: exactly the couples of the round, the requested crosses, a full ranking."""
    if kind == "recall":
        if sheet.crosses is None or sheet.places is not None:
            raise Invalid(_("a recall round takes `crosses`: the bibs you recall"), "crosses")
        crossed = sheet.crosses
        unknown = [b for b in crossed if b not in bibs]
        if unknown:
            raise Invalid(_("couple {bib} is not dancing this round", bib=unknown[0]), "crosses")
        if len(set(crossed)) != len(crossed):
            raise Invalid(_("a couple is crossed twice"), "crosses")
        if strict_count and len(crossed) != recall:
            message = _n(
                "cross exactly 1 couple, not {given}",
                "cross exactly {n} couples, not {given}",
                recall or 0,
                given=len(crossed),
            )
            raise Invalid(message, "crosses")
        return sorted(crossed)
    if sheet.places is None or sheet.crosses is not None:
        raise Invalid(_("a final takes `places`: {shape} for every couple", shape="{bib: place}"), "places")
    given = {int(b): p for b, p in sheet.places.items()}
    missing = [b for b in bibs if b not in given]
    if missing or len(given) != len(bibs):
        extra = [b for b in given if b not in bibs]
        what = (
            _("couple {bib} has no place", bib=missing[0])
            if missing
            else _("couple {bib} is not in the final", bib=extra[0])
        )
        raise Invalid(what, "places")
    if sorted(given.values()) != list(range(1, len(bibs) + 1)):
        raise Invalid(_("places must be 1 to {most}, each given once", most=len(bibs)), "places")
    return {str(b): given[b] for b in sorted(given)}


async def submit_sheet(
    ctx: Context, principal: auth.Principal, round_id: int, dance: str, sheet: SheetIn, judge: str | None = None
) -> SheetReceipt:
    """Store one sheet durably, exactly once per idempotency key; the last sheet of a round computes it."""

    def tx(conn: sqlite3.Connection) -> SheetReceipt:
        auth.check_device(conn, principal, ctx.store.clock())
        stored = auth.previous_answer(conn, principal)
        if stored is not None:
            return msgspec.json.decode(bytes(stored["response"]), type=SheetReceipt)
        row, event = _round(conn, round_id)
        seat = _seat(conn, principal, row, event, judge)
        if dance not in event.dances:
            raise NotFound(_("{event} has no dance {dance}", event=event.name, dance=dance), "dance")
        if row["state"] not in OPEN_STATES:
            name = round_name(row["name"])
            raise Conflict(
                _(
                    "the {round} is {state}: sheets can no longer change (a correction needs the chair's PIN)",
                    round=name,
                    state=state_word(row["state"]),
                )
                if row["state"] != "planned"
                else _("the {round} has not been drawn yet", round=name),
                "round_id",
            )
        keyed = principal.role != "adjudicator"
        receipt = _save(ctx, conn, principal, row, event, seat, dance, sheet, keyed)
        dev_db.store_answer(
            conn, principal.device_id, principal.idempotency_key, principal.request, 200, msgspec.json.encode(receipt)
        )
        return receipt

    return await ctx.store.write(tx)


def _save(
    ctx: Context,
    conn: sqlite3.Connection,
    principal: auth.Principal,
    row: sqlite3.Row,
    event: Event,
    seat: sqlite3.Row,
    dance: str,
    sheet: SheetIn,
    keyed: bool,
    correction: bool = False,
) -> SheetReceipt:
    gone = absences.dropped(conn, event.id, row["id"], dance)  # withdrawn or disqualified: not on a new sheet
    bibs = [b for b in db.round_bibs(conn, row["id"]) if b not in gone]
    recall = min(row["recall"], len(bibs)) if row["kind"] == "recall" else None  # fewer left: fewer crosses
    marks = check_marks(row["kind"], recall, bibs, sheet, strict_count=not keyed)
    checksum = sheet_checksum(row["id"], dance, seat["letter"], marks)
    version = db.save_sheet(
        conn, row["id"], dance, seat["id"], changelog.canonical(marks), checksum, principal.device_id, keyed
    )
    kind = "sheet.corrected" if correction else ("sheet.submitted" if version == 1 else "sheet.amended")
    seq = ctx.log(
        conn,
        kind,
        f"round/{row['id']}",
        {
            "round_id": row["id"],
            "event_id": event.id,
            "dance": dance,
            "judge": seat["letter"],
            "marks": marks,
            "checksum": checksum,
            "version": version,
            "keyed_by": principal.device_id if keyed else None,
            "sheet_id": lookups.sheet_row(conn, row["id"], dance, seat["id"])["id"],
            "entered_by": principal.device_id,
        },
    )
    # the receipt names the sheet's change-log row, checkable later (appended just above: never None)
    position = changelog.row_at(conn, seq) or ""
    state = results.compute_if_complete(ctx, conn, row["id"], recompute=correction)
    return SheetReceipt(row["id"], dance, seat["letter"], checksum, version, state, seq, position)


async def correct_sheet(
    ctx: Context, principal: auth.Principal, round_id: int, dance: str, judge: str, sheet: SheetIn, pin: str
) -> SheetReceipt:
    """A correction after the round was computed: the chair's PIN first (with its lockout), then the round's
    state, then the round is computed again. A wrong PIN is 401 whatever the round's state (no oracle)."""
    competition_id = await ctx.store.read(lambda conn: _round(conn, round_id)[1].competition_id)
    verdict = await chair_pin.check(ctx, principal.device_id, competition_id, pin)

    def tx(conn: sqlite3.Connection) -> SheetReceipt | None:
        if not chair_pin.settle(ctx, conn, principal.device_id, competition_id, verdict):
            return None  # the wrong PIN is counted (committed); answered below
        row, event = _round(conn, round_id)
        if row["state"] in OPEN_STATES or row["state"] == "planned":
            raise Conflict(_("the round is not computed yet: send or amend the sheet instead"), "round_id")
        results.require_correctable(conn, row)
        seat = _seat(conn, principal, row, event, judge)
        if dance not in event.dances:
            raise NotFound(_("{event} has no dance {dance}", event=event.name, dance=dance), "dance")
        return _save(ctx, conn, principal, row, event, seat, dance, sheet, keyed=True, correction=True)

    receipt = await ctx.store.write(tx)
    if receipt is None:
        raise Unauthorized(_("wrong chair's PIN"), "pin")
    return receipt
