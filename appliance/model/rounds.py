"""Rounds, heats and the running order of each floor."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta


class CloseIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    seed: Annotated[int, Meta(ge=0, le=2**53)] | None = None


class PlanIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The chair's plan: how many couples each round recalls, ending with the size of the final."""

    recalls: Annotated[list[Annotated[int, Meta(ge=1, le=999)]], Meta(max_length=10)]


class Round(msgspec.Struct, frozen=True):
    id: int
    event_id: int
    number: int
    name: str
    kind: Literal["recall", "final"]
    planned_couples: int
    recall: int | None
    seed: int
    state: str
    heats: dict[str, list[list[int]]]  # dance -> heats -> bibs (empty until drawn)
    panel: list[str] = []  # the judges' letters of the round's own panel (the event's until it is drawn)
    redance_of: int | None = None  # a redance: the round whose couples not recalled (or tied at the cut) dance it


class EventPlan(msgspec.Struct, frozen=True):
    event_id: int
    event: str
    entries: int
    rounds: list[Round]
    stars: dict[int, int] = {}  # star couples: bib -> the round number it is seeded into
    redance_recall: int | None = None  # the event's redance after the 1st round recalls this many


class CloseReport(msgspec.Struct, frozen=True):
    competition_id: int
    seed: int
    bibs: int
    events: list[EventPlan]


class RunningItem(msgspec.Struct, frozen=True):
    position: int
    event_id: int
    event: str
    round_id: int
    round: str
    dance: str
    heat: int
    heats: int
    bibs: list[int]


class FloorStatus(msgspec.Struct, frozen=True):
    floor_id: int
    floor: str
    state: Literal["idle", "running", "stopped"]
    now: RunningItem | None
    next: RunningItem | None
    items: int


class PreviewRound(msgspec.Struct, frozen=True):
    name: str
    kind: str
    couples: int
    recall: int | None


class PreviewEvent(msgspec.Struct, frozen=True):
    event_id: int
    event: str
    entries: int
    dances: list[str]
    rounds: list[PreviewRound]
    heats: int  # heats of each dance of the 1st round (a final: one)


class ClosePreview(msgspec.Struct, frozen=True):
    """What closing registration would do, planned without writing: bibs, each event's rounds, the first heats."""

    competition_id: int
    couples: int  # couples with an entry (each dances under one bib)
    bibs: int  # bibs to be given now
    first_bib: int | None  # the numbers they would get, from first to last
    last_bib: int | None
    events: list[PreviewEvent]
    heats: int  # every heat of every 1st round (heats x dances), the start of the running order
