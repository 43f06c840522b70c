"""A couple withdrawn mid-event or disqualified by the chair (issue #10 points 3 and 4)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.model.competition import Text
from appliance.model.text import Input


class WithdrawalIn(Input, forbid_unknown_fields=True, frozen=True):
    """The scrutineer marks a couple withdrawn from the event, with the reason (e.g. "injury in the Tango")."""

    reason: Text


class DisqualificationIn(Input, forbid_unknown_fields=True, frozen=True):
    """The chair disqualifies a couple, with the reason; after the final's sign-off the chair's PIN too."""

    reason: Text
    pin: Annotated[str, Meta(min_length=1, max_length=32, description="6 to 32 digits")] | None = None


class EntryOutcome(msgspec.Struct, frozen=True):
    entry_id: int
    event_id: int
    bib: int | None
    status: Literal["withdrawn", "disqualified"]
    reason: str
    round_id: int | None  # the round it happened in (or, for a disqualification, the round computed again)
    danced: list[str]  # a final's dances the couple had danced before it withdrew (it is placed last in the others)
    sheets_checksum: str | None = None  # the recomputed round's checksum, which records the disqualification
