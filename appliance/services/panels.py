"""Each round keeps the panel that judged it (issue #10 point 1).

When the panel freezes: a round takes the event's panel (the default) as its own when it is drawn (the first
round when registration closes, a later round when the couples of the one before are recalled into it). Until
the round starts (the floor reaches it: state `running`) its panel still changes: with the event's panel
(`PUT /api/events/{id}/panel`, every round not started follows it) or on its own (`PUT /api/rounds/{id}/panel`);
both are logged with who asked and why. From the start on, the round's panel never changes again, so its
marks, results, explanations, checksums and exports always show the judges who marked.
"""

from __future__ import annotations

import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import marks as db
from appliance.errors import Conflict, Invalid
from appliance.i18n import _
from appliance.model.competition import RoundPanelIn
from appliance.model.rounds import Round
from appliance.services import Context, lookups, provisioning
from appliance.trust import auth
from appliance.words import round_name, state_word

NOT_STARTED = ("planned", "drawn")


async def set_round_panel(ctx: Context, principal: auth.Principal, round_id: int, data: RoundPanelIn) -> Round:
    """Replace the judges of one round that has not started, with the reason; the event's panel is unchanged."""
    if len(set(data.letters)) != len(data.letters):
        raise Invalid(_("a judge letter is listed twice"), "letters")

    def tx(conn: sqlite3.Connection) -> Round:
        row = lookups.round_row(conn, round_id)
        event = lookups.event(conn, row["event_id"])
        ids = comp_db.adjudicator_ids(conn, event.competition_id, data.letters)
        missing = [letter for letter in data.letters if letter not in ids]
        if missing:
            raise Invalid(_("no adjudicator with letter {missing} in this competition", missing=missing[0]), "letters")
        if row["state"] not in NOT_STARTED:
            raise Conflict(
                _(
                    "the {name} of {event} has started ({state}): its panel can no longer change",
                    name=round_name(row["name"]),
                    event=event.name,
                    state=state_word(row["state"]),
                ),
                "round_id",
            )
        before = [p["letter"] for p in db.round_panel(conn, round_id)]
        db.set_round_panel(conn, round_id, [ids[letter] for letter in data.letters])
        ctx.log(
            conn,
            "round.panel_set",
            f"round/{round_id}",
            {
                "round_id": round_id,
                "event_id": event.id,
                "round": row["name"],
                "letters": sorted(data.letters),
                "before": before,
                "reason": data.reason,
                "by": principal.device_id,
                "role": principal.role,
            },
        )
        return provisioning.round_out(conn, lookups.round_row(conn, round_id))

    return await ctx.store.write(tx)
