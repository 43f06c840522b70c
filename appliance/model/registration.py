"""Registration links, couples and their entries."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.model.competition import Country
from appliance.model.text import NAME, OPTIONAL_NAME, Input

PersonName = Annotated[str, Meta(min_length=1, max_length=80, extra=NAME)]
Club = Annotated[str, Meta(max_length=80, extra=OPTIONAL_NAME)]
Role = Literal["couple", "adjudicator"]


class RegistrationLinkIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    role: Role
    closes_at: dt.datetime | None = None


class RegistrationLink(msgspec.Struct, frozen=True):
    token: str
    competition_id: int
    role: Role
    closes_at: dt.datetime | None
    url: str
    qr_svg: str


class CoupleIn(Input, forbid_unknown_fields=True, frozen=True):
    leader: PersonName
    follower: PersonName
    club: Club = ""
    country: Country = ""


class CoupleRegistration(Input, forbid_unknown_fields=True, frozen=True):
    """What a couple sends from the public registration page."""

    leader: PersonName
    follower: PersonName
    events: Annotated[list[Annotated[int, Meta(ge=1, le=2**53)]], Meta(min_length=1, max_length=20)]
    club: Club = ""
    country: Country = ""


class AdjudicatorRegistration(Input, forbid_unknown_fields=True, frozen=True):
    name: PersonName
    country: Country = ""


class CoupleUpdate(Input, forbid_unknown_fields=True, frozen=True):
    leader: PersonName | None = None
    follower: PersonName | None = None
    club: Club | None = None
    country: Country | None = None


class Couple(msgspec.Struct, frozen=True):
    id: int
    competition_id: int
    leader: str
    follower: str
    club: str
    country: str
    bib: int | None


class Entry(msgspec.Struct, frozen=True):
    id: int
    event_id: int
    event: str
    couple: Couple
    status: Literal["entered", "scratched"]
    late: bool


class RegistrationReceipt(msgspec.Struct, frozen=True):
    couple: Couple
    entries: list[Entry]


class PublicEvent(msgspec.Struct, frozen=True):
    id: int
    name: str
    style: str
    dances: list[str]
    age_group: str
    level: str


class RegistrationForm(msgspec.Struct, frozen=True):
    """What the public registration page needs to show its form."""

    competition: str
    venue: str
    starts_on: dt.date
    role: Role
    closes_at: dt.datetime | None
    events: list[PublicEvent]
    ends_on: dt.date  # the last day: the page says "on" one day, "from ... to ..." several


class ImportRowError(msgspec.Struct, frozen=True):
    row: int
    field: str
    message: str


class ImportReport(msgspec.Struct, frozen=True):
    rows: int
    imported: int
    skipped: int
    errors: list[ImportRowError]
