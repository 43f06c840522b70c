"""A couple withdrawn mid-event or disqualified by the chair (issue #10 points 3 and 4), or warned for the step limit
(the DTV's ESV `vd` flag: 1 warned, 2 disqualified for the step limit, 3 disqualified)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.model.competition import Text
from appliance.model.text import Input

Pin = Annotated[str, Meta(min_length=1, max_length=32, description="6 to 32 digits")]


class WithdrawalIn(Input, forbid_unknown_fields=True, frozen=True):
    """The scrutineer marks a couple withdrawn from the event, with the reason (e.g. "injury in the Tango")."""

    reason: Text


class DisqualificationIn(Input, forbid_unknown_fields=True, frozen=True):
    """The chair disqualifies a couple, with the reason; after the final's sign-off the chair's PIN too."""

    reason: Text
    pin: Pin | None = None
    step_limit: bool = False  # disqualified for breaking the step limit (ESV vd 2), not for another reason (vd 3)


class WarningIn(Input, forbid_unknown_fields=True, frozen=True):
    """The chair warns a couple for the step limit, with the reason; after the final's sign-off the chair's PIN."""

    reason: Text
    pin: Pin | None = None


class EntryWarning(msgspec.Struct, frozen=True):
    entry_id: int
    event_id: int
    bib: int | None
    reason: str
    round_id: int  # the round the couple was dancing (or had last danced) when warned


class EntryOutcome(msgspec.Struct, frozen=True):
    entry_id: int
    event_id: int
    bib: int | None
    status: Literal["withdrawn", "disqualified"]
    reason: str
    round_id: int | None  # the round it happened in (or, for a disqualification, the round computed again)
    danced: list[str]  # a final's dances the couple had danced before it withdrew (it is placed last in the others)
    sheets_checksum: str | None = None  # the recomputed round's checksum, which records the disqualification
    step_limit: bool = False  # a disqualification for the step limit (ESV vd 2)
