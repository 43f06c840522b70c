"""Competitions, floors, events, adjudicators and panels: what the scrutineer sets up."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.i18n import N_
from appliance.model.text import NAME, OPTIONAL_NAME, Input

Text = Annotated[str, Meta(min_length=1, max_length=120, extra=NAME)]
OptionalText = Annotated[str, Meta(max_length=120, extra=OPTIONAL_NAME)]
FloorName = Annotated[str, Meta(min_length=1, max_length=40, extra=NAME)]
Category = Annotated[str, Meta(min_length=1, max_length=40, extra=NAME)]
DanceCode = Annotated[str, Meta(min_length=1, max_length=12, pattern=r"^[A-Za-z0-9][A-Za-z0-9 _-]*$")]
Letter = Annotated[str, Meta(pattern=r"^[A-Z]{1,2}$", description="judge letter: A, B, ... Z, AA ...")]
Country = Annotated[str, Meta(pattern=r"^([A-Z]{2,3})?$", description="ISO/IOC country code, e.g. GER, NED")]
Style = Literal["standard", "latin", "ten_dance", "other"]

STANDARD = ("W", "T", "V", "F", "Q")
LATIN = ("C", "S", "R", "P", "J")
DANCE_NAMES = {  # in English, marked for the catalog: said in a reader's language with i18n._(name)
    "W": N_("Waltz"),
    "T": N_("Tango"),
    "V": N_("Viennese Waltz"),
    "F": N_("Slow Foxtrot"),
    "Q": N_("Quickstep"),
    "C": N_("Cha Cha"),
    "S": N_("Samba"),
    "R": N_("Rumba"),
    "P": N_("Paso Doble"),
    "J": N_("Jive"),
}
STYLE_DANCES = {"standard": STANDARD, "latin": LATIN, "ten_dance": STANDARD + LATIN}


class CompetitionIn(Input, forbid_unknown_fields=True, frozen=True):
    name: Text
    starts_on: dt.date
    ends_on: dt.date
    venue: Text
    floors: Annotated[list[FloorName], Meta(min_length=1, max_length=8)] = msgspec.field(
        default_factory=lambda: ["Main floor"]
    )
    first_bib: Annotated[int, Meta(ge=1, le=9000)] = 1


class CompetitionUpdate(Input, forbid_unknown_fields=True, frozen=True):
    """An edit of a competition: only the fields given change (the first bib only while registration is open)."""

    name: Text | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    venue: Text | None = None
    first_bib: Annotated[int, Meta(ge=1, le=9000)] | None = None


class Floor(msgspec.Struct, frozen=True):
    id: int
    name: str


class Competition(msgspec.Struct, frozen=True):
    id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date
    venue: str
    floors: list[Floor]
    first_bib: int
    registration: Literal["open", "closed"]


class EventIn(Input, forbid_unknown_fields=True, frozen=True):
    name: Text
    style: Style
    dances: Annotated[list[DanceCode], Meta(min_length=1, max_length=10)]
    age_group: Category = "Adult"
    level: Category = "Open"
    floor: FloorName | None = None
    max_per_heat: Annotated[int, Meta(ge=2, le=48)] = 12
    final_size: Annotated[int, Meta(ge=6, le=8)] = 6
    redraw_per_dance: bool = True


class Event(msgspec.Struct, frozen=True):
    id: int
    competition_id: int
    name: str
    style: Style
    dances: list[str]
    age_group: str
    level: str
    floor_id: int
    floor: str
    max_per_heat: int
    final_size: int
    redraw_per_dance: bool
    panel: list[str]
    entries: int


class AdjudicatorIn(Input, forbid_unknown_fields=True, frozen=True):
    name: Text
    country: Country = ""
    letter: Letter | None = None


class Adjudicator(msgspec.Struct, frozen=True):
    id: int
    competition_id: int
    letter: str
    name: str
    country: str


class PanelIn(Input, forbid_unknown_fields=True, frozen=True):
    letters: Annotated[list[Letter], Meta(min_length=1, max_length=15)]
    reason: OptionalText = ""  # required once the event has started (a judge replaced between rounds)


class RoundPanelIn(Input, forbid_unknown_fields=True, frozen=True):
    """A round's own panel, before the round starts: who judges it instead, and why (logged with who asked)."""

    letters: Annotated[list[Letter], Meta(min_length=1, max_length=15)]
    reason: Text
