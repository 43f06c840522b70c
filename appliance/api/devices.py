"""Enrolment by QR code, and the scrutineer's control of devices."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter

from appliance.box.sync import SyncStatus, sync_status
from appliance.cloud.pairing import PairCode, Pairing, pair_from_desk
from appliance.model.devices import Device, EnrolAnswer, Enrolment, EnrolmentIn, EnrolRequest
from appliance.services import Context, enrolment
from appliance.trust.auth import DESK, Principal
from appliance.trust.browser import public_write
from appliance.trust.scope import OWN

DeviceId = Annotated[str, PathParameter(min_length=8, max_length=64)]


class DeviceController(Controller):
    path = "/api"
    tags = ["devices"]

    @post(
        "/enrolments",
        summary="A one-time QR code for a role (and judge seat) of the device's own competition",
        opt={"roles": DESK, "scope": OWN},
    )
    async def create_enrolment(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], data: JSONBody[EnrolmentIn]
    ) -> Enrolment:
        return await enrolment.create_enrolment(ctx, data, by=principal)

    @post(
        "/enrol",
        summary="Public: a device completes its enrolment (X25519, proved by the QR secret)",
        status_code=200,
        guards=[public_write],
        opt={"errors": (403,)},
    )
    async def enrol(self, ctx: NamedDependency[Context], data: JSONBody[EnrolRequest]) -> EnrolAnswer:
        return await enrolment.enrol(ctx, data)

    @get(
        "/sync",
        summary="Cloud sync and federation upload: acknowledged seq, pending rows, last error, the cloud pairing",
        opt={"roles": DESK},
    )
    async def sync_status(self, ctx: NamedDependency[Context], principal: NamedDependency[Principal]) -> SyncStatus:
        return await sync_status(ctx.store, ctx.settings)

    @post(
        "/sync/pair",
        summary="Pair the box with its cloud (FLOORCRAFT_CLOUD_URL) using the code `floorcraft cloud pair` printed",
        status_code=200,
        opt={"roles": DESK, "errors": (409, 422)},
    )
    async def pair_with_cloud(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], data: JSONBody[PairCode]
    ) -> Pairing:
        return await pair_from_desk(ctx.settings, data)

    @get(
        "/devices",
        summary="Enrolled devices (of the asking device's own competition)",
        opt={"roles": DESK, "scope": OWN},
    )
    async def list_devices(self, ctx: NamedDependency[Context], principal: NamedDependency[Principal]) -> list[Device]:
        return await enrolment.list_devices(ctx, principal.competition_id)

    @post(
        "/devices/{device_id:str}/revoke",
        summary="Revoke a device: effective on its next request",
        status_code=200,
        opt={"roles": DESK},
    )
    async def revoke(
        self, ctx: NamedDependency[Context], principal: NamedDependency[Principal], device_id: DeviceId
    ) -> Device:
        return await enrolment.revoke(ctx, device_id)
