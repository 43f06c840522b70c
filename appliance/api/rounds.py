"""Closing registration, the round plan, and each floor's running order."""

from __future__ import annotations

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.api import Id
from appliance.model.competition import RoundPanelIn
from appliance.model.rounds import (
    CloseIn,
    ClosePreview,
    CloseReport,
    EventPlan,
    FloorStatus,
    PlanIn,
    Round,
    RunningItem,
)
from appliance.services import Context, closing_preview, panels, provisioning, running_order
from appliance.trust.auth import DESK, OFFICIALS, READERS, Principal


class RoundsController(Controller):
    path = "/api"
    tags = ["rounds"]

    @post(
        "/competitions/{competition_id:int}/close-registration",
        status_code=200,
        summary="Close registration: bibs, round plans, first draws, running orders",
        opt={"roles": DESK},
    )
    async def close(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[CloseIn],
    ) -> CloseReport:
        return await provisioning.close_registration(ctx, competition_id, data)

    @get(
        "/competitions/{competition_id:int}/close-registration/preview",
        summary="What closing registration would do (bibs, rounds, first heats), planned without writing",
        opt={"roles": DESK, "errors": (409,)},  # 409: registration is closed already
    )
    async def close_preview(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> ClosePreview:
        return await closing_preview.preview(ctx, competition_id)

    @get("/events/{event_id:int}/plan", summary="An event's rounds and heats", opt={"roles": READERS})
    async def plan(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], event_id: Id
    ) -> EventPlan:
        return await provisioning.event_plan(ctx, event_id)

    @put(
        "/events/{event_id:int}/plan",
        summary="The chair changes the plan before the event starts",
        opt={"roles": OFFICIALS},
    )
    async def replan(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], event_id: Id, data: JSONBody[PlanIn]
    ) -> EventPlan:
        return await provisioning.replan(ctx, event_id, data)

    @put(
        "/rounds/{round_id:int}/panel",
        summary="Set the judges of one round before it starts, with the reason (logged with who asked)",
        opt={"roles": OFFICIALS},
    )
    async def set_round_panel(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        data: JSONBody[RoundPanelIn],
    ) -> Round:
        return await panels.set_round_panel(ctx, principal, round_id, data)

    @get("/floors/{floor_id:int}/running-order", summary="The floor's running order", opt={"roles": READERS})
    async def running_order(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> list[RunningItem]:
        return await running_order.running_order(ctx, floor_id)

    @get("/floors/{floor_id:int}/status", summary="On the floor now, and next", opt={"roles": READERS})
    async def status(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> FloorStatus:
        return await running_order.status(ctx, floor_id)

    @post("/floors/{floor_id:int}/start", status_code=200, summary="Start (or resume) the floor", opt={"roles": DESK})
    async def start(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> FloorStatus:
        return await running_order.move(ctx, floor_id, "start")

    @post("/floors/{floor_id:int}/next", status_code=200, summary="Move to the next item", opt={"roles": DESK})
    async def next_item(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> FloorStatus:
        return await running_order.move(ctx, floor_id, "next")

    @post("/floors/{floor_id:int}/previous", status_code=200, summary="Move back one item", opt={"roles": DESK})
    async def previous(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> FloorStatus:
        return await running_order.move(ctx, floor_id, "previous")

    @post("/floors/{floor_id:int}/stop", status_code=200, summary="Stop the floor", opt={"roles": DESK})
    async def stop(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], floor_id: Id
    ) -> FloorStatus:
        return await running_order.move(ctx, floor_id, "stop")
