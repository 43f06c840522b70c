"""Competition setup: competitions, events, adjudicators and panels."""

from __future__ import annotations

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.api import Id
from appliance.model.competition import (
    Adjudicator,
    AdjudicatorIn,
    Competition,
    CompetitionIn,
    CompetitionUpdate,
    Event,
    EventIn,
    PanelIn,
)
from appliance.services import Context, competition_edit, setup
from appliance.trust.auth import DESK, READERS, Principal
from appliance.trust.scope import OWN


class CompetitionController(Controller):
    path = "/api/competitions"
    tags = ["setup"]

    @post("/", summary="Create a competition with its floors", opt={"roles": DESK})
    async def create(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], data: JSONBody[CompetitionIn]
    ) -> Competition:
        return await setup.create_competition(ctx, data)

    @get(
        "/",
        summary="List competitions (a device enrolled for one competition sees only it)",
        opt={"roles": READERS, "scope": OWN},
    )
    async def list_all(self, ctx: NamedDependency[Context], principal: NamedDependency[Principal]) -> list[Competition]:
        return await setup.list_competitions(ctx, principal.competition_id)

    @get("/{competition_id:int}", summary="One competition", opt={"roles": READERS})
    async def get_one(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> Competition:
        return await setup.get_competition(ctx, competition_id)

    @patch(
        "/{competition_id:int}",
        summary="Edit a competition: name, dates, venue, first bib (the first bib only while registration is open)",
        opt={"roles": DESK},
    )
    async def update(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[CompetitionUpdate],
    ) -> Competition:
        return await competition_edit.update_competition(ctx, competition_id, data)

    @post("/{competition_id:int}/events", summary="Add an event", opt={"roles": DESK})
    async def create_event(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[EventIn],
    ) -> Event:
        return await setup.create_event(ctx, competition_id, data)

    @get("/{competition_id:int}/events", summary="The events of a competition", opt={"roles": READERS})
    async def list_events(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> list[Event]:
        return await setup.list_events(ctx, competition_id)

    @post(
        "/{competition_id:int}/adjudicators",
        summary="Add an adjudicator (letter chosen if not given)",
        opt={"roles": DESK},
    )
    async def add_adjudicator(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[AdjudicatorIn],
    ) -> Adjudicator:
        return await setup.add_adjudicator(ctx, competition_id, data)

    @get("/{competition_id:int}/adjudicators", summary="The adjudicators of a competition", opt={"roles": READERS})
    async def list_adjudicators(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> list[Adjudicator]:
        return await setup.list_adjudicators(ctx, competition_id)


class EventController(Controller):
    path = "/api/events"
    tags = ["setup"]

    @get("/{event_id:int}", summary="One event", opt={"roles": READERS})
    async def get_one(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], event_id: Id
    ) -> Event:
        return await setup.get_event(ctx, event_id)

    @put(
        "/{event_id:int}/panel",
        summary="Set the panel of an event (the default of its rounds not started; a reason once it has started)",
        opt={"roles": DESK},
    )
    async def set_panel(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        event_id: Id,
        data: JSONBody[PanelIn],
    ) -> Event:
        return await setup.set_panel(ctx, event_id, data, by=principal.device_id)
