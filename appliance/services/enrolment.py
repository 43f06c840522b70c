"""Enrolment by QR code (one-time secret, X25519 exchange authenticated by it) and device revocation."""

from __future__ import annotations

import datetime as dt
import secrets
import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import devices as db
from appliance.errors import Conflict, Gone, Invalid, NotFound, Unauthorized
from appliance.i18n import _
from appliance.model.devices import (
    Device,
    EnrolAnswer,
    Enrolment,
    EnrolmentIn,
    EnrolRequest,
)
from appliance.services import Context, lookups
from appliance.services.registration import qr_svg
from appliance.trust import crypto, scope
from appliance.trust.auth import Principal

LIFETIME = dt.timedelta(minutes=2)


def create_enrolment_tx(
    ctx: Context,
    conn: sqlite3.Connection,
    data: EnrolmentIn,
    lifetime: dt.timedelta = LIFETIME,
    by: Principal | None = None,
) -> Enrolment:
    """A one-time enrolment; `by` (the asking device, None at the box's own terminal) enrols only for its own
    competition unless it owns the box. Only a scrutineer may be enrolled for no competition (the box's owner)."""
    if by is not None:
        scope.check_body_competition(by.role, by.competition_id, data.competition_id)
    adjudicator_id = None
    if data.role == "adjudicator":
        if data.competition_id is None or data.judge is None:
            raise Invalid(_("an adjudicator enrolment needs a competition_id and a judge letter"), "judge")
        lookups.competition(conn, data.competition_id)
        ids = comp_db.adjudicator_ids(conn, data.competition_id, [data.judge])
        if data.judge not in ids:
            raise Invalid(
                _(
                    "no judge {judge} in competition {competition_id}",
                    judge=data.judge,
                    competition_id=data.competition_id,
                ),
                "judge",
            )
        adjudicator_id = ids[data.judge]
    elif data.competition_id is not None:
        lookups.competition(conn, data.competition_id)
    elif data.role != "scrutineer":
        raise Invalid(
            _(
                "a {role} enrolment needs a competition_id: only a scrutineer may own the whole box",
                role=scope.ROLES.get(data.role, data.role),
            ),
            "competition_id",
        )
    enrolment_id = secrets.token_urlsafe(12)
    secret = secrets.token_bytes(32)
    expires = ctx.now() + lifetime
    db.insert_enrolment(conn, enrolment_id, data.role, data.competition_id, adjudicator_id, secret, expires.isoformat())
    ctx.log(
        conn,
        "enrolment.created",
        f"enrolment/{enrolment_id}",
        {"role": data.role, "competition_id": data.competition_id, "judge": data.judge, "expires_at": expires},
    )
    url = f"{ctx.settings.base_url}/join#{enrolment_id}.{crypto.b64u(secret)}"
    return Enrolment(enrolment_id, data.role, data.competition_id, data.judge, expires, url, qr_svg(url))


async def create_enrolment(
    ctx: Context, data: EnrolmentIn, lifetime: dt.timedelta = LIFETIME, by: Principal | None = None
) -> Enrolment:
    return await ctx.store.write(lambda conn: create_enrolment_tx(ctx, conn, data, lifetime, by))


async def first_scrutineer_enrolment(ctx: Context, lifetime: dt.timedelta) -> Enrolment | None:
    """While no scrutineer owns the box: a scrutineer enrolment for its own screen and terminal."""

    def tx(conn: sqlite3.Connection) -> Enrolment | None:
        if db.has_scrutineer(conn):
            return None
        return create_enrolment_tx(ctx, conn, EnrolmentIn("scrutineer"), lifetime)

    return await ctx.store.write(tx)


async def enrol(ctx: Context, data: EnrolRequest) -> EnrolAnswer:
    """Check expiry and proof before using the enrolment (a guessed id cannot burn it), then derive the key."""

    def tx(conn: sqlite3.Connection) -> EnrolAnswer:
        row = db.get_enrolment(conn, data.enrolment_id)
        if row is None:
            raise NotFound(_("unknown enrolment"), "enrolment_id")
        if dt.datetime.fromisoformat(row["expires_at"]) <= ctx.now():
            raise Gone(_("this QR code has expired: ask the scrutineer for a new one"), "enrolment_id")
        secret = bytes(row["secret"])
        if not crypto.equal(data.proof, crypto.enrol_proof(secret, row["id"], data.device_id, data.public_key)):
            raise Unauthorized(_("the enrolment proof does not match"), "proof")
        if db.get_device(conn, data.device_id) is not None:
            raise Conflict(_("this device id is enrolled already"), "device_id")
        if not db.use_enrolment(conn, row["id"]):
            raise Gone(_("this QR code has been used already"), "enrolment_id")
        private, box_public = crypto.new_keypair()
        key = crypto.device_key(private, data.public_key, secret)
        db.insert_device(
            conn, data.device_id, row["role"], row["competition_id"], row["adjudicator_id"], key, ctx.store.clock()
        )
        device = lookups.device_row(conn, data.device_id)
        ctx.log(
            conn,
            "device.enrolled",
            f"device/{data.device_id}",
            {"role": row["role"], "competition_id": row["competition_id"], "judge": device["letter"]},
        )
        proof = crypto.box_proof(secret, row["id"], data.device_id, box_public)
        return EnrolAnswer(data.device_id, row["role"], row["competition_id"], device["letter"], box_public, proof)

    return await ctx.store.write(tx)


def _device(row: sqlite3.Row) -> Device:
    return Device(
        row["id"],
        row["role"],
        row["competition_id"],
        row["letter"],
        bool(row["revoked"]),
        row["enrolled_at"],
        row["last_seen"],
    )


async def list_devices(ctx: Context, only: int | None = None) -> list[Device]:
    """Every device, or only those enrolled for competition `only` (for a device enrolled for it)."""
    rows = await ctx.store.read(db.list_devices)
    return [_device(r) for r in rows if only is None or r["competition_id"] == only]


async def revoke(ctx: Context, device_id: str) -> Device:
    def tx(conn: sqlite3.Connection) -> Device:
        if db.get_device(conn, device_id) is None:
            raise NotFound(_("no device {device_id}", device_id=device_id), "device_id")
        if not db.revoke(conn, device_id):
            raise Conflict(_("the device is revoked already"), "device_id")
        ctx.log(conn, "device.revoked", f"device/{device_id}", {})
        return _device(lookups.device_row(conn, device_id))

    return await ctx.store.write(tx)
