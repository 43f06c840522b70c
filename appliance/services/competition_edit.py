"""Editing a competition: its name, dates, venue and first bib number, in one write transaction, logged.

Only the fields given change. The first bib number gives the bibs when registration closes, so once it has
closed (the bibs are given) it can no longer change (409). The change log's `competition.updated` row carries
the whole competition as it now is (as `competition.created` does), so `verify` and the cloud follow it.
"""

from __future__ import annotations

import sqlite3

import msgspec

from appliance.db import competitions as db
from appliance.errors import Conflict, Invalid
from appliance.i18n import _
from appliance.model.competition import Competition, CompetitionUpdate
from appliance.services import Context, lookups
from appliance.services.setup import check_dates

EDITED = ("name", "starts_on", "ends_on", "venue", "first_bib")


def _merged(current: Competition, data: CompetitionUpdate) -> dict:
    given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if not given:
        raise Invalid(_("say what to change: name, starts_on, ends_on, venue or first_bib"))
    check_dates({k: v for k, v in given.items() if k in ("starts_on", "ends_on")})
    merged = {k: getattr(current, k) for k in EDITED} | given
    if str(merged["ends_on"]) < str(merged["starts_on"]):
        field = "ends_on" if "ends_on" in given else "starts_on"
        raise Invalid(_("the competition would end before it starts (ends_on is before starts_on)"), field)
    if current.registration == "closed" and merged["first_bib"] != current.first_bib:
        said = _("registration is closed and the bibs are given: the first bib can no longer change")
        raise Conflict(said, "first_bib")
    return merged


async def update_competition(ctx: Context, competition_id: int, data: CompetitionUpdate) -> Competition:
    def tx(conn: sqlite3.Connection) -> Competition:
        merged = _merged(lookups.competition(conn, competition_id), data)
        db.update_competition(conn, competition_id, merged)
        updated = lookups.competition(conn, competition_id)
        ctx.log(conn, "competition.updated", f"competition/{competition_id}", updated)
        return updated

    return await ctx.store.write(tx)
