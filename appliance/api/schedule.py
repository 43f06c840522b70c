"""The day's schedule with times (issue #10 point 8): public reading, the scrutineer's settings and moves."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter

from appliance.api import MAX_ID
from appliance.model.schedule import MoveIn, Schedule, ScheduleSettingsIn
from appliance.services import Context
from appliance.services import schedule as service
from appliance.trust.auth import DESK, Principal
from appliance.trust.scope import OWN


class ScheduleController(Controller):
    path = "/api/schedule"
    tags = ["schedule"]

    @get(
        "/",
        summary="Public: each floor's rounds with estimated start and end times, and couples due on two floors",
        opt={"errors": (404,)},
    )
    async def day(
        self,
        ctx: NamedDependency[Context],
        floor: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="one floor's id")] = None,
        competition: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID, description="one competition's id")] = None,
    ) -> Schedule:
        return await service.schedule(ctx, floor, competition)

    @put(
        "/settings",
        summary="Set one floor's timing: its start, dance and change-over lengths, breaks",
        opt={"roles": DESK, "scope": OWN},
    )
    async def settings(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], data: JSONBody[ScheduleSettingsIn]
    ) -> Schedule:
        return await service.set_settings(ctx, principal, data)

    @post(
        "/move",
        status_code=200,
        summary="Move a round that has not started to another position of its floor's order",
        opt={"roles": DESK, "scope": OWN},
    )
    async def move(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], data: JSONBody[MoveIn]
    ) -> Schedule:
        return await service.move(ctx, principal, data)
