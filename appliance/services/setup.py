"""Competition setup: competitions with their floors, events, adjudicators and each event's panel."""

from __future__ import annotations

import sqlite3
from itertools import product
from string import ascii_uppercase

from appliance.db import competitions as db
from appliance.db import marks as marks_db
from appliance.errors import Conflict, Invalid
from appliance.i18n import _
from appliance.model.competition import (
    STYLE_DANCES,
    Adjudicator,
    AdjudicatorIn,
    Competition,
    CompetitionIn,
    Event,
    EventIn,
    PanelIn,
)
from appliance.services import Context, lookups, provisioning


def check_dates(dates: dict) -> None:
    """A competition's dates are this century's (a mistyped year is refused, never planned for year 1 or 9999)."""
    for field, day in dates.items():
        if not 2000 <= day.year <= 2099:
            said = _("{field} is in {year}: a competition's dates must be in 2000 to 2099", field=field, year=day.year)
            raise Invalid(said, field)


def _check_competition(data: CompetitionIn) -> None:
    check_dates({"starts_on": data.starts_on, "ends_on": data.ends_on})
    if data.ends_on < data.starts_on:
        raise Invalid(_("ends_on is before starts_on"), "ends_on")
    if len({f.casefold() for f in data.floors}) != len(data.floors):
        raise Invalid(_("two floors have the same name"), "floors")


async def create_competition(ctx: Context, data: CompetitionIn) -> Competition:
    _check_competition(data)

    def tx(conn: sqlite3.Connection) -> Competition:
        cid = db.insert_competition(conn, data)
        created = lookups.competition(conn, cid)
        ctx.log(conn, "competition.created", f"competition/{cid}", created)
        return created

    return await ctx.store.write(tx)


async def list_competitions(ctx: Context, only: int | None = None) -> list[Competition]:
    """Every competition, or only competition `only` (for a device enrolled for it)."""
    found = await ctx.store.read(db.list_competitions)
    return [c for c in found if only is None or c.id == only]


async def get_competition(ctx: Context, competition_id: int) -> Competition:
    return await ctx.store.read(lambda conn: lookups.competition(conn, competition_id))


def _check_dances(data: EventIn) -> None:
    if len(set(data.dances)) != len(data.dances):
        raise Invalid(_("a dance is listed twice"), "dances")
    allowed = STYLE_DANCES.get(data.style)
    if allowed is not None:
        wrong = [d for d in data.dances if d not in allowed]
        if wrong:
            message = _(
                "dance {dance} is not a {style} dance (allowed: {allowed}); use style 'other' for custom dances",
                dance=wrong[0],
                style=data.style,
                allowed=" ".join(allowed),
            )
            raise Invalid(message, "dances")


async def create_event(ctx: Context, competition_id: int, data: EventIn) -> Event:
    _check_dances(data)

    def tx(conn: sqlite3.Connection) -> Event:
        competition = lookups.competition(conn, competition_id)
        if competition.registration == "closed":
            raise Conflict(_("registration is closed; events can no longer be added"), "competition_id")
        floor_name = data.floor or competition.floors[0].name
        floor_id = db.floor_by_name(conn, competition_id, floor_name)
        if floor_id is None:
            raise Invalid(_("no floor named {name} in this competition", name=repr(floor_name)), "floor")
        if db.event_name_taken(conn, competition_id, data.name):
            raise Conflict(_("an event named {name} exists already", name=repr(data.name)), "name")
        event = lookups.event(conn, db.insert_event(conn, competition_id, floor_id, data))
        ctx.log(conn, "event.created", f"event/{event.id}", event)
        return event

    return await ctx.store.write(tx)


async def list_events(ctx: Context, competition_id: int) -> list[Event]:
    def read(conn: sqlite3.Connection) -> list[Event]:
        lookups.competition(conn, competition_id)
        return db.list_events(conn, competition_id)

    return await ctx.store.read(read)


async def get_event(ctx: Context, event_id: int) -> Event:
    return await ctx.store.read(lambda conn: lookups.event(conn, event_id))


def _letters():
    for size in (1, 2):
        for letters in product(ascii_uppercase, repeat=size):
            yield "".join(letters)


def add_adjudicator_tx(ctx: Context, conn: sqlite3.Connection, competition_id: int, data: AdjudicatorIn) -> Adjudicator:
    lookups.competition(conn, competition_id)
    used = db.used_letters(conn, competition_id)
    if data.letter is not None and data.letter in used:
        raise Conflict(_("judge letter {letter} is taken", letter=data.letter), "letter")
    letter = data.letter or next(x for x in _letters() if x not in used)
    added = db.insert_adjudicator(conn, competition_id, letter, data.name, data.country)
    adjudicator = lookups.adjudicator(conn, added)
    ctx.log(conn, "adjudicator.added", f"adjudicator/{adjudicator.id}", adjudicator)
    return adjudicator


async def add_adjudicator(ctx: Context, competition_id: int, data: AdjudicatorIn) -> Adjudicator:
    return await ctx.store.write(lambda conn: add_adjudicator_tx(ctx, conn, competition_id, data))


async def list_adjudicators(ctx: Context, competition_id: int) -> list[Adjudicator]:
    def read(conn: sqlite3.Connection) -> list[Adjudicator]:
        lookups.competition(conn, competition_id)
        return db.list_adjudicators(conn, competition_id)

    return await ctx.store.read(read)


async def set_panel(ctx: Context, event_id: int, data: PanelIn, by: str | None = None) -> Event:
    """The event's panel: the default of its rounds; every round not started yet takes it (rounds.py: panels).
    Once the event has started, a reason is required; who asked and why are logged."""
    if len(set(data.letters)) != len(data.letters):
        raise Invalid(_("a judge letter is listed twice"), "letters")

    def tx(conn: sqlite3.Connection) -> Event:
        event = lookups.event(conn, event_id)
        ids = db.adjudicator_ids(conn, event.competition_id, data.letters)
        missing = [letter for letter in data.letters if letter not in ids]
        if missing:
            raise Invalid(_("no adjudicator with letter {letter} in this competition", letter=missing[0]), "letters")
        if not data.reason and provisioning.started(conn, event_id):
            raise Invalid(_("{event} has started: say why its panel changes (a reason)", event=event.name), "reason")
        db.set_panel(conn, event_id, [ids[letter] for letter in data.letters])
        rounds = marks_db.follow_event_panel(conn, event_id)
        payload: dict = {"letters": sorted(data.letters), "rounds": rounds}
        if data.reason or by is not None:
            payload |= {"reason": data.reason, "by": by}
        ctx.log(conn, "panel.set", f"event/{event_id}", payload)
        return lookups.event(conn, event_id)

    return await ctx.store.write(tx)
