"""Closing registration, planned without writing: what the desk's confirmation says before the scrutineer closes
(the bibs to be given, each event's rounds and the first rounds' heats), with the same rules as
services/provisioning.close_registration."""

from __future__ import annotations

import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import registration as reg_db
from appliance.errors import Conflict
from appliance.i18n import _
from appliance.model.competition import Event
from appliance.model.rounds import ClosePreview, PreviewEvent, PreviewRound
from appliance.planning import heat_sizes, plan_rounds
from appliance.services import Context, lookups
from appliance.services.provisioning import first_round_couples


def _bibs(conn: sqlite3.Connection, competition_id: int, first_bib: int) -> list[int]:
    """The numbers assign_bibs would give, in order (given bibs never change)."""
    used = reg_db.used_bibs(conn, competition_id)
    numbers, bib = [], first_bib
    for _couple in reg_db.couples_needing_bibs(conn, competition_id):
        while bib in used:
            bib += 1
        used.add(bib)
        numbers.append(bib)
    return numbers


def _event(conn: sqlite3.Connection, event: Event) -> PreviewEvent:
    entries = len(reg_db.active_couples(conn, event.id))
    planned = plan_rounds(entries, event.final_size)
    first = len(first_round_couples(conn, event.id))
    final_first = bool(planned) and planned[0].kind == "final"
    heats = (1 if first else 0) if final_first else len(heat_sizes(first, event.max_per_heat))
    rounds = [PreviewRound(p.name, p.kind, p.couples, p.recall) for p in planned]
    return PreviewEvent(event.id, event.name, entries, event.dances, rounds, heats)


def _preview(conn: sqlite3.Connection, competition_id: int) -> ClosePreview:
    competition = lookups.competition(conn, competition_id)
    if competition.registration == "closed":
        raise Conflict(_("registration is closed already"), "competition_id")
    bibs = _bibs(conn, competition_id, competition.first_bib)
    listed = comp_db.list_events(conn, competition_id)
    events = [_event(conn, e) for e in listed]
    couples = len({c for e in listed for c in reg_db.active_couples(conn, e.id)})
    first_heats = sum(e.heats * len(e.dances) for e in events)
    return ClosePreview(
        competition_id, couples, len(bibs), bibs[0] if bibs else None, bibs[-1] if bibs else None, events, first_heats
    )


async def preview(ctx: Context, competition_id: int) -> ClosePreview:
    return await ctx.store.read(lambda conn: _preview(conn, competition_id))
