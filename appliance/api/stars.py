"""Star couples (the scrutineer seeds a couple into a later round) and redance rounds (the chair)."""

from __future__ import annotations

from litestar import Controller, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.api import Id
from appliance.model.rounds import EventPlan
from appliance.model.stars import RedanceIn, StarCouple, StarDeadline, StarDeadlineIn, StarIn
from appliance.services import Context, stars
from appliance.trust.auth import CHAIR, DESK, OFFICIALS, Principal


class StarsController(Controller):
    path = "/api"
    tags = ["rounds"]

    @post(
        "/entries/{entry_id:int}/star",
        status_code=200,
        summary="The scrutineer seeds a couple into a later round (a star couple), before that round is drawn",
        opt={"roles": DESK},
    )
    async def star(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], entry_id: Id, data: JSONBody[StarIn]
    ) -> StarCouple:
        return await stars.seed_star(ctx, principal, entry_id, data)

    @put(
        "/events/{event_id:int}/star-deadline",
        summary="Until when the scrutineer may seed star couples into the event (null: until each round's draw)",
        opt={"roles": DESK},
    )
    async def star_deadline(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        event_id: Id,
        data: JSONBody[StarDeadlineIn],
    ) -> StarDeadline:
        return await stars.set_star_deadline(ctx, principal, event_id, data)

    @put(
        "/events/{event_id:int}/redance",
        summary="The event's redance after the 1st round and how many it recalls (null: none), before round 1's result",
        opt={"roles": OFFICIALS},
    )
    async def event_redance(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        event_id: Id,
        data: JSONBody[RedanceIn],
    ) -> EventPlan:
        return await stars.set_event_redance(ctx, principal, event_id, data)

    @post(
        "/rounds/{round_id:int}/redance",
        status_code=200,
        summary="The chair resolves a tie at the cut by a redance of the tied couples",
        opt={"roles": CHAIR},
    )
    async def redance_at_cut(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        data: JSONBody[RedanceIn],
    ) -> EventPlan:
        return await stars.redance_at_cut(ctx, principal, round_id, data)
