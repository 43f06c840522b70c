"""Judging: the judge's tasks, sheets, the scrutineer's keyed sheets and corrections, progress, results."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from appliance.api import Id
from appliance.i18n import for_request
from appliance.model.marks import (
    CorrectionIn,
    DecisionIn,
    EventResults,
    Fleet,
    JudgeTasks,
    PinIn,
    RoundResult,
    SheetIn,
    SheetReceipt,
)
from appliance.model.signature import SignatureIn, SignatureReceipt
from appliance.services import Context, chair_pin, judging, marking, results, signatures
from appliance.services import progress as sheets_progress
from appliance.trust.auth import CHAIR, DESK, OFFICIALS, READERS, Principal
from appliance.trust.scope import OWN

Dance = Annotated[str, PathParameter(min_length=1, max_length=12)]
Letter = Annotated[str, PathParameter(pattern=r"^[A-Z]{1,2}$")]


class MarksController(Controller):
    path = "/api"
    tags = ["judging"]

    @get(
        "/judge/tasks",
        summary="The adjudicator's tablet: what to mark now",
        opt={"roles": ("adjudicator",), "scope": OWN},
    )
    async def tasks(self, ctx: NamedDependency[Context], principal: NamedDependency[Principal]) -> JudgeTasks:
        return await judging.judge_tasks(ctx, principal)

    @post(
        "/rounds/{round_id:int}/sheets/{dance:str}",
        status_code=200,
        summary="An adjudicator sends a sheet",
        opt={"roles": ("adjudicator",), "counter_in_tx": True},
    )
    async def submit(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        dance: Dance,
        data: JSONBody[SheetIn],
    ) -> SheetReceipt:
        return await marking.submit_sheet(ctx, principal, round_id, dance, data)

    @post(
        "/rounds/{round_id:int}/signature",
        status_code=200,
        summary="An adjudicator signs the round (a 1-bit PNG of at most 400x200, base64) once every dance is sent",
        opt={"roles": ("adjudicator",)},
    )
    async def sign(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        data: JSONBody[SignatureIn],
    ) -> SignatureReceipt:
        return await signatures.sign_round(ctx, principal, round_id, data)

    @post(
        "/rounds/{round_id:int}/sheets/{dance:str}/judges/{judge:str}",
        status_code=200,
        summary="The scrutineer keys in a paper sheet for a judge",
        opt={"roles": DESK, "counter_in_tx": True},
    )
    async def key_in(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        dance: Dance,
        judge: Letter,
        data: JSONBody[SheetIn],
    ) -> SheetReceipt:
        return await marking.submit_sheet(ctx, principal, round_id, dance, data, judge)

    @post(
        "/rounds/{round_id:int}/sheets/{dance:str}/judges/{judge:str}/correction",
        status_code=200,
        summary="Correct a sheet of a computed round (the chair's PIN); the round is computed again",
        opt={"roles": DESK},
    )
    async def correct(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        dance: Dance,
        judge: Letter,
        data: JSONBody[CorrectionIn],
    ) -> SheetReceipt:
        return await marking.correct_sheet(ctx, principal, round_id, dance, judge, data.sheet, data.pin)

    @put(
        "/competitions/{competition_id:int}/chair-pin",
        status_code=204,
        summary="The chair sets their PIN (6 to 32 digits)",
        opt={"roles": CHAIR},
    )
    async def chair_pin(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        competition_id: Id,
        data: JSONBody[PinIn],
    ) -> None:
        await chair_pin.set_pin(ctx, competition_id, data.pin)

    @get(
        "/competitions/{competition_id:int}/progress",
        summary="Who has sent what; each device's last contact",
        opt={"roles": OFFICIALS},
    )
    async def progress(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], competition_id: Id
    ) -> Fleet:
        return await sheets_progress.progress(ctx, competition_id)

    @get("/rounds/{round_id:int}/result", summary="A round's result with the explanation", opt={"roles": READERS})
    async def result(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], round_id: Id
    ) -> RoundResult:
        return await results.get_round_result(ctx, round_id)

    @get(
        "/rounds/{round_id:int}/marks",
        summary="A computed round's marks, in the calculator's format",
        opt={"roles": READERS},
    )
    async def marks(self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], round_id: Id) -> dict:
        return await results.get_skate_sheet(ctx, round_id)

    @post(
        "/rounds/{round_id:int}/decision",
        status_code=200,
        summary="The chair decides a tie at the cut",
        opt={"roles": CHAIR},
    )
    async def decide(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        round_id: Id,
        data: JSONBody[DecisionIn],
    ) -> RoundResult:
        return await results.decide_cut(ctx, round_id, data.recall)

    @post(
        "/rounds/{round_id:int}/sign-off",
        status_code=200,
        summary="The chair makes a final official",
        opt={"roles": CHAIR},
    )
    async def sign_off(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], round_id: Id
    ) -> RoundResult:
        return await results.sign_off(ctx, round_id)

    @get("/events/{event_id:int}/results", summary="Every couple's place in an event", opt={"roles": READERS})
    async def event_results(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], event_id: Id, request: Request
    ) -> EventResults:
        language = for_request(request.cookies, request.headers.get("accept-language"))  # the asker's language
        return await results.get_event_results(ctx, event_id, language)
