"""Star couples seeded into a later round, and redance rounds (issue #10 points 5 and 6)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import Meta


class StarIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The scrutineer seeds a couple into a later round of its event: the round's number in the plan (2 or more)."""

    round_number: Annotated[int, Meta(ge=1, le=99)]


class StarDeadlineIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Until when the scrutineer may seed star couples into the event (with a time zone); None: no deadline but
    each round's draw."""

    deadline: dt.datetime | None = None


class StarDeadline(msgspec.Struct, frozen=True):
    event_id: int
    deadline: dt.datetime | None


class RedanceIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """How many couples a redance recalls into the next round. The event's redance after the 1st round: None
    removes it. A redance at a tie on the cut: None recalls as many as the plan still needs."""

    recall: Annotated[int, Meta(ge=1, le=999)] | None = None


class StarCouple(msgspec.Struct, frozen=True):
    entry_id: int
    event_id: int
    bib: int | None
    round_id: int
    round_number: int
    round: str
    planned_couples: int  # the round's couples as planned now: the recalled ones plus the star couples
