"""Registration links, the public registration form, entries and CSV import."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody

from appliance.api import Id, Token
from appliance.errors import Invalid, said
from appliance.i18n import _, _n
from appliance.model.competition import Adjudicator
from appliance.model.registration import (
    AdjudicatorRegistration,
    Couple,
    CoupleIn,
    CoupleRegistration,
    CoupleUpdate,
    Entry,
    ImportReport,
    RegistrationForm,
    RegistrationLink,
    RegistrationLinkIn,
    RegistrationReceipt,
)
from appliance.services import Context, registration
from appliance.trust.auth import DESK, OFFICIALS, Principal
from appliance.trust.browser import public_write


class RegistrationController(Controller):
    path = "/api"
    tags = ["registration"]

    @post(
        "/competitions/{competition_id:int}/registration-links",
        summary="Create a registration link + QR",
        opt={"roles": DESK},
    )
    async def create_link(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[RegistrationLinkIn],
    ) -> RegistrationLink:
        return await registration.create_link(ctx, competition_id, data)

    @get("/competitions/{competition_id:int}/registration-links", summary="The registration links", opt={"roles": DESK})
    async def list_links(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> list[RegistrationLink]:
        return await registration.list_links(ctx, competition_id)

    @get("/register/{token:str}", summary="Public: what the registration form shows")
    async def form(self, ctx: NamedDependency[Context], token: Token) -> RegistrationForm:
        return await registration.registration_form(ctx, token)

    @post(
        "/register/{token:str}/couple",
        summary="Public: a couple registers for events",
        guards=[public_write],
        opt={"errors": (403,)},
    )
    async def register_couple(
        self, ctx: NamedDependency[Context], token: Token, data: JSONBody[CoupleRegistration]
    ) -> RegistrationReceipt:
        return await registration.register_couple(ctx, token, data)

    @post(
        "/register/{token:str}/adjudicator",
        summary="Public: an adjudicator registers",
        guards=[public_write],
        opt={"errors": (403,)},
    )
    async def register_adjudicator(
        self, ctx: NamedDependency[Context], token: Token, data: JSONBody[AdjudicatorRegistration]
    ) -> Adjudicator:
        return await registration.register_adjudicator(ctx, token, data)

    @get(
        "/competitions/{competition_id:int}/entries", summary="Every entry of the competition", opt={"roles": OFFICIALS}
    )
    async def list_entries(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> list[Entry]:
        return await registration.list_entries(ctx, competition_id)

    @post(
        "/events/{event_id:int}/entries",
        summary="Enter a couple (a late entry once registration closed)",
        opt={"roles": DESK},
    )
    async def add_entry(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        event_id: Id,
        data: JSONBody[CoupleIn],
    ) -> RegistrationReceipt:
        return await registration.add_entry(ctx, event_id, data)

    @patch("/couples/{couple_id:int}", summary="Edit a couple's names, club or country", opt={"roles": DESK})
    async def update_couple(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        couple_id: Id,
        data: JSONBody[CoupleUpdate],
    ) -> Couple:
        return await registration.update_couple(ctx, couple_id, data)

    @post(
        "/entries/{entry_id:int}/scratch",
        summary="Scratch (withdraw) an entry: after the draw the others keep their heats, unless ?redraw=true",
        status_code=200,
        opt={"roles": DESK},
    )
    async def scratch(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        entry_id: Id,
        redraw: FromQuery[bool] = False,
    ) -> Entry:
        return await registration.scratch_entry(ctx, entry_id, redraw)

    @post(
        "/competitions/{competition_id:int}/entries/import",
        status_code=200,
        summary="Import entries from CSV (leader, follower, club, country, events)",
        opt={"roles": DESK, "body": "text/csv"},
    )
    async def import_csv(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        request: Request,
        skip_invalid: FromQuery[bool] = False,
    ) -> ImportReport:
        """The request body is the CSV file itself (UTF-8, header row first)."""
        try:
            text = (await request.body()).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Invalid(_("the CSV file is not UTF-8 text"), "file") from None
        report = await registration.import_entries(ctx, competition_id, text, skip_invalid)
        errors = [msgspec.structs.replace(e, message=said(request, e.message)) for e in report.errors]
        if report.errors and not skip_invalid:
            raise Invalid(
                _n(
                    "1 row has errors; nothing was imported (fix them, or import with skip_invalid=true)",
                    "{n} rows have errors; nothing was imported (fix them, or import with skip_invalid=true)",
                    len(report.errors),
                ),
                "file",
                [{"row": e.row, "field": e.field, "message": e.message} for e in errors],
            )
        return msgspec.structs.replace(report, errors=errors)  # each row's words in the asker's language
