"""A couple withdrawn mid-event (the scrutineer), disqualified or warned for the step limit (the chair): routes on
the entry."""

from __future__ import annotations

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from appliance.api import Id
from appliance.model.outcomes import DisqualificationIn, EntryOutcome, EntryWarning, WarningIn, WithdrawalIn
from appliance.services import Context, withdrawals
from appliance.trust.auth import CHAIR, DESK, Principal


class OutcomesController(Controller):
    path = "/api/entries"
    tags = ["judging"]

    @post(
        "/{entry_id:int}/withdraw",
        status_code=200,
        summary="The scrutineer marks a couple withdrawn mid-event, with the reason",
        opt={"roles": DESK},
    )
    async def withdraw(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        entry_id: Id,
        data: JSONBody[WithdrawalIn],
    ) -> EntryOutcome:
        return await withdrawals.withdraw(ctx, principal, entry_id, data)

    @post(
        "/{entry_id:int}/disqualify",
        status_code=200,
        summary="The chair disqualifies a couple (`step_limit`: for the step limit), with the reason "
        "(after the sign-off: the chair's PIN)",
        opt={"roles": CHAIR},
    )
    async def disqualify(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        entry_id: Id,
        data: JSONBody[DisqualificationIn],
    ) -> EntryOutcome:
        return await withdrawals.disqualify(ctx, principal, entry_id, data)

    @post(
        "/{entry_id:int}/warn",
        status_code=200,
        summary="The chair warns a couple for the step limit, with the reason (after the sign-off: the chair's PIN)",
        opt={"roles": CHAIR},
    )
    async def warn(
        self,
        ctx: NamedDependency[Context],
        principal: NamedDependency[Principal],
        entry_id: Id,
        data: JSONBody[WarningIn],
    ) -> EntryWarning:
        return await withdrawals.warn(ctx, principal, entry_id, data)
