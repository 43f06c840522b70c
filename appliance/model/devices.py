"""Enrolment by QR code and the devices it creates (security.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from appliance.model.text import Input

Role = Literal["scrutineer", "chair", "adjudicator", "display"]
B64Key = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{43}$", description="32 bytes, base64url without padding")]
Hex = Annotated[str, Meta(pattern=r"^[0-9a-f]{64}$")]
DeviceId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$")]


class EnrolmentIn(Input, forbid_unknown_fields=True, frozen=True):
    role: Role
    competition_id: Annotated[int, Meta(ge=1, le=2**53)] | None = None
    judge: Annotated[str, Meta(pattern=r"^[A-Z]{1,2}$")] | None = None


class Enrolment(msgspec.Struct, frozen=True):
    id: str
    role: Role
    competition_id: int | None
    judge: str | None
    expires_at: dt.datetime
    url: str
    qr_svg: str


class EnrolRequest(Input, forbid_unknown_fields=True, frozen=True):
    enrolment_id: Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
    device_id: DeviceId
    public_key: B64Key
    proof: Hex


class EnrolAnswer(msgspec.Struct, frozen=True):
    device_id: str
    role: Role
    competition_id: int | None
    judge: str | None
    box_public_key: str
    proof: str


class Device(msgspec.Struct, frozen=True):
    id: str
    role: Role
    competition_id: int | None
    judge: str | None
    revoked: bool
    enrolled_at: str
    last_seen: str | None
