"""Sheets of marks, what a judge's tablet is shown, progress, and round results."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

Bib = Annotated[int, Meta(ge=1, le=99999)]
Place = Annotated[int, Meta(ge=1, le=99)]


class SheetIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One judge's marks for one dance: `crosses` (the bibs recalled) or `places` ({bib: place}, a final)."""

    crosses: Annotated[list[Bib], Meta(max_length=500)] | None = None
    places: Annotated[dict[Annotated[str, Meta(pattern=r"^[0-9]{1,5}$")], Place], Meta(max_length=99)] | None = None


class CorrectionIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    sheet: SheetIn
    pin: Annotated[str, Meta(min_length=4, max_length=32)]


class PinIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pin: Annotated[str, Meta(min_length=1, max_length=32, description="6 to 32 digits")]


class DecisionIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The chair's choice at a tie on the cut: recall this many couples (one of the two options)."""

    recall: Annotated[int, Meta(ge=1, le=999)]


class SheetReceipt(msgspec.Struct, frozen=True):
    round_id: int
    dance: str
    judge: str
    checksum: str
    version: int
    round_state: str
    seq: int = 0  # the sheet's change-log row: its seq and hash (a judge's receipt can be checked against the log)
    hash: str = ""


class Heat(msgspec.Struct, frozen=True):
    heat: int
    bibs: list[int]


class JudgeTask(msgspec.Struct, frozen=True):
    """What a judge's tablet shows: the dance on the floor for their panel, and what to mark."""

    competition_id: int
    judge: str
    judge_name: str
    floor_id: int
    floor: str
    event_id: int
    event: str
    round_id: int
    round: str
    kind: Literal["recall", "final"]
    dance: str
    heat: int
    heats: list[Heat]
    bibs: list[int]
    recall: int | None
    sent: bool
    checksum: str | None
    now: bool  # on the floor now (else: an earlier dance not sent yet)
    marks: list[int] | dict[str, int] | None = None  # the sheet the box holds (crosses, or {bib: place})
    version: int = 0  # the sheet's version (2 and up: amended)


class RoundToSign(msgspec.Struct, frozen=True):
    """A round whose every dance this judge has sent and not signed yet: the tablet asks for the signature."""

    round_id: int
    event: str
    round: str


class JudgeTasks(msgspec.Struct, frozen=True):
    tasks: list[JudgeTask]
    sign: list[RoundToSign] = msgspec.field(default_factory=list)
    review: list[JudgeTask] = msgspec.field(default_factory=list)  # sheets sent in rounds not computed yet


class LateJudge(msgspec.Struct, frozen=True):
    letter: str
    name: str


class DanceProgress(msgspec.Struct, frozen=True, omit_defaults=True):
    """Who has sent a dance's sheet; `late`: the missing judges once the dance has begun, waited for since
    `late_since` (`late_from`: "first_sheet", the first sheet of the dance arrived, or "started", the floor went
    onto the dance), both the box's times."""

    dance: str
    sent: list[str]
    missing: list[str]
    late: list[LateJudge] = msgspec.field(default_factory=list)
    started_at: str | None = None
    first_sheet_at: str | None = None
    late_since: str | None = None
    late_from: str | None = None


class RoundProgress(msgspec.Struct, frozen=True):
    round_id: int
    event: str
    round: str
    state: str
    dances: list[DanceProgress]


class DeviceSeen(msgspec.Struct, frozen=True):
    device_id: str
    role: str
    judge: str | None
    last_seen: str | None
    revoked: bool


class Fleet(msgspec.Struct, frozen=True):
    rounds: list[RoundProgress]
    devices: list[DeviceSeen]
    now: str | None = None  # the box's time (how long a judge has been late, whatever the desk's clock says)


class Placing(msgspec.Struct, frozen=True):
    bib: int
    leader: str
    follower: str
    place: float | int | None  # the final place (shared: 2.5); None for a couple out in an earlier round
    place_from: int  # 0 (and place_to 0): no place, a couple withdrawn before it was placed, or disqualified
    place_to: int
    round: str
    crosses: int | None = None
    reason: str = ""
    label: str = ""  # "7." or "13.-24." (a range shared by equal crosses or a tie in the final), "withdrawn", "DQ"


class RoundResult(msgspec.Struct, frozen=True):
    round_id: int
    event_id: int
    event: str
    round: str
    kind: Literal["recall", "final"]
    state: str
    official: bool
    sheets_checksum: str
    totals: dict[str, int] | None = None
    recalled: list[int] | None = None
    tie_at_cut: bool = False
    cut_options: list[list[int]] | None = None
    places: dict[str, float | int] | None = None
    dances: dict[str, dict[str, float | int]] | None = None
    decided_by: dict[str, str] | None = None
    reasons: dict[str, str] | None = None
    warnings: list[str] = []
    sheet_checksums: dict[str, dict[str, str]] = {}  # dance -> judge -> the checksum the judge was shown
    withdrawn: dict[str, str] = {}  # bib -> reason: a couple withdrawn in this round (services/absences.py)
    disqualified: dict[str, str] = {}  # bib -> reason: a couple the chair disqualified, out of this result


class EventResults(msgspec.Struct, frozen=True):
    event_id: int
    event: str
    official: bool
    placings: list[Placing]
