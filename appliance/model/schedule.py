"""The day's schedule with times (issue #10 point 8): the scrutineer's settings per floor, moves, the answer."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from appliance.model.competition import Text
from appliance.model.text import Input

MAX_ID = 2**53
Seconds = Annotated[int, Meta(ge=0, le=3600)]
IsoTime = Annotated[
    str,
    Meta(
        min_length=16,
        max_length=40,
        description="an ISO 8601 date and time with its UTC offset, e.g. 2026-05-02T09:30:00+02:00",
    ),
]


class BreakIn(Input, forbid_unknown_fields=True, frozen=True):
    """A break before the round at `before` (1: before the floor's first round), e.g. lunch."""

    before: Annotated[int, Meta(ge=1, le=1000)]
    minutes: Annotated[int, Meta(ge=1, le=600)]
    label: Text = "Break"


class ScheduleSettingsIn(Input, forbid_unknown_fields=True, frozen=True):
    """One floor's timing: when it starts, how long a dance and each change-over last, its breaks."""

    floor_id: Annotated[int, Meta(ge=1, le=MAX_ID)]
    start: IsoTime
    dance_seconds: Annotated[int, Meta(ge=10, le=600)] = 90
    heat_change_seconds: Seconds = 30
    dance_change_seconds: Seconds = 60
    round_change_seconds: Seconds = 120
    breaks: Annotated[list[BreakIn], Meta(max_length=50)] = msgspec.field(default_factory=list)


class MoveIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Move a round to `position` (1: first) of its floor's order."""

    round_id: Annotated[int, Meta(ge=1, le=MAX_ID)]
    position: Annotated[int, Meta(ge=1, le=10000)]


class ScheduleSettings(msgspec.Struct, frozen=True):
    start: str
    dance_seconds: int
    heat_change_seconds: int
    dance_change_seconds: int
    round_change_seconds: int
    breaks: list[BreakIn]
    set_by_scrutineer: bool  # False: the defaults (the competition's first day at 09:00, the box's time zone)


class ScheduledRound(msgspec.Struct, frozen=True):
    position: int
    round_id: int
    event_id: int
    event: str
    round: str
    kind: str
    state: str
    dances: int
    heats: int
    couples: int
    start: str
    end: str
    status: str  # "finished", "on the floor", "danced" (the floor moved on; its result is awaited), "to come"


class ScheduledBreak(msgspec.Struct, frozen=True):
    before: int
    label: str
    start: str
    end: str


class FloorSchedule(msgspec.Struct, frozen=True):
    floor_id: int
    floor: str
    competition_id: int
    settings: ScheduleSettings
    rounds: list[ScheduledRound]
    breaks: list[ScheduledBreak]
    ends: str | None  # when the floor's last round is expected to end


class ClashRound(msgspec.Struct, frozen=True):
    round_id: int
    floor: str
    event: str
    round: str
    start: str
    end: str


class ScheduleClash(msgspec.Struct, frozen=True):
    """A couple (or a dancer of two couples: two bibs) due on two floors at once."""

    bibs: list[int]
    certain: bool  # both rounds are drawn (else a later round the couple may still reach)
    rounds: list[ClashRound]
    message: str


class Schedule(msgspec.Struct, frozen=True):
    now: str
    floors: list[FloorSchedule]
    clashes: list[ScheduleClash]
