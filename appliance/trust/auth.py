"""Signed requests (security.md): who is asking, checked on every non-public endpoint.

A handler that needs a device declares `principal: NamedDependency[Principal]` and lists the roles
allowed in its `opt={"roles": (...)}`. The dependency checks, in order: the headers are there and
the device is known (else 401), the signature (401), the role (403), the competition scope of the route's
objects (403, `appliance/trust/scope.py`), then in one write transaction
that the device is not revoked (403) and that its counter is above the last one seen (401: a
replay). A handler with `opt={"counter_in_tx": True}` does that last step inside its own write
transaction instead, together with the idempotent answer (marks: one fsync per sheet).
For the other writes, a reused Idempotency-Key returns the stored answer (422 with another body).
"""

from __future__ import annotations

import sqlite3

import msgspec
from litestar import Request, Response
from litestar.di import NamedDependency

from appliance.db import devices as db
from appliance.errors import Forbidden, Invalid, Unauthorized
from appliance.i18n import _
from appliance.services import Context
from appliance.trust import crypto, scope

HEADERS = ("x-device", "x-counter", "idempotency-key", "x-signature")


class Principal(msgspec.Struct, frozen=True):
    """An authenticated device, and the request it signed."""

    device_id: str
    role: str
    competition_id: int | None
    adjudicator_id: int | None
    judge: str | None
    counter: int
    idempotency_key: str
    request: str  # "METHOD path body-hash": what the idempotency key stands for


class Replayed(Exception):
    """The same idempotency key with the same request: answer what was answered the first time."""

    def __init__(self, status: int, body: bytes):
        super().__init__("replayed request")
        self.status, self.body = status, body


def replayed_response(_: Request, exc: Replayed) -> Response:
    return Response(exc.body, status_code=exc.status, media_type="application/json")


def check_device(conn: sqlite3.Connection, principal: Principal, now: str) -> None:
    """Inside a write transaction: the device is not revoked and the counter moves forward."""
    row = db.get_device(conn, principal.device_id)
    if row is None or row["revoked"]:
        raise Forbidden(_("this device has been revoked"), "X-Device")
    if not db.advance_counter(conn, principal.device_id, principal.counter, now):
        raise Unauthorized(_("replayed request: the counter is not above the last one seen"), "X-Counter")


def previous_answer(conn: sqlite3.Connection, principal: Principal) -> sqlite3.Row | None:
    """The stored answer for this idempotency key (422 if the key came with another request)."""
    row = db.stored_answer(conn, principal.device_id, principal.idempotency_key)
    if row is not None and row["request"] != principal.request:
        raise Invalid(_("this Idempotency-Key was used for a different request"), "Idempotency-Key")
    return row


def _path(request: Request) -> str:
    """The path as the client sent it (routing may normalise `path`), with its query string."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else request.scope["path"]
    if "?" in path:  # some servers put the query in raw_path (httpx's ASGI transport), uvicorn does not
        return path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return path + (f"?{query}" if query else "")


async def _key_of(ctx: Context, device_id: str) -> tuple[bytes, sqlite3.Row] | None:
    cached = ctx.device_keys.get(device_id)
    if cached is None:
        row = await ctx.store.read(lambda conn: db.get_device(conn, device_id))
        if row is None:
            return None
        cached = (bytes(row["key"]), row)
        ctx.device_keys[device_id] = cached  # keys and roles never change; revocation is read fresh
    return cached


async def principal(request: Request, ctx: NamedDependency[Context]) -> Principal:
    values: list[str] = [request.headers.get(h, "") for h in HEADERS]
    if not all(values):
        raise Unauthorized(
            _(
                "this needs a signed request from an enrolled device "
                "(X-Device, X-Counter, Idempotency-Key, X-Signature)"
            ),
            "X-Signature",
        )
    device_id, counter_text, idempotency_key, signature = values
    # ASCII digits only: str.isdigit() also accepts '²' or '١٢', which int() refuses or reads
    if (
        not (counter_text.isascii() and counter_text.isdigit())
        or len(counter_text) > 18
        or len(idempotency_key) > 100
        or len(device_id) > 64
    ):
        raise Unauthorized(_("malformed X-Counter or Idempotency-Key"), "X-Counter")
    found = await _key_of(ctx, device_id)
    if found is None:
        raise Unauthorized(_("unknown device"), "X-Device")
    key, row = found
    body = await request.body()
    counter = int(counter_text)
    expected = crypto.signature(key, request.method, _path(request), counter, idempotency_key, body)
    if not crypto.equal(signature, expected):
        raise Unauthorized(_("bad signature"), "X-Signature")
    roles = request.route_handler.opt.get("roles", ())
    if row["role"] not in roles:
        raise Forbidden(_("{role} may not do this", role=ROLE_DEVICE.get(row["role"], row["role"])), "X-Device")
    who = Principal(
        device_id,
        row["role"],
        row["competition_id"],
        row["adjudicator_id"],
        row["letter"],
        counter,
        idempotency_key,
        f"{request.method} {_path(request)} {crypto.body_hash(body)}",
    )
    if not scope.owns_box(who.role, who.competition_id):  # every role acts only on its own competition
        params, opt = dict(request.path_params), request.route_handler.opt
        await ctx.store.read(lambda conn: scope.check(conn, who.role, who.competition_id, opt, params))
    if request.route_handler.opt.get("counter_in_tx"):
        return who

    def tx(conn: sqlite3.Connection) -> sqlite3.Row | None:
        check_device(conn, who, ctx.store.clock())
        return previous_answer(conn, who) if request.method != "GET" else None

    answer = await ctx.store.write(tx)
    if answer is not None:
        raise Replayed(answer["status"], bytes(answer["response"]))
    request.state.principal = who
    return who


def answer_recorder(ctx: Context):
    """before_send hook: store a signed write's successful answer under its idempotency key, before sending it."""

    async def before_send(message: dict, scope: dict) -> None:
        state = scope.get("state", {})
        who = state.get("principal")
        if who is None or scope.get("method") == "GET":
            return
        if message["type"] == "http.response.start":
            state["answer_status"] = message["status"]
            state["answer_body"] = b""
        elif message["type"] == "http.response.body" and "answer_status" in state:
            state["answer_body"] += message.get("body", b"")
            status = state["answer_status"]
            if not message.get("more_body") and status < 400:
                body = state.pop("answer_body")
                await ctx.store.write(
                    lambda conn: db.store_answer(conn, who.device_id, who.idempotency_key, who.request, status, body)
                )

    return before_send


ROLE_DEVICE = {  # "an adjudicator device": each role's device, as a message names it
    "scrutineer": _("a scrutineer device"),
    "chair": _("a chair device"),
    "adjudicator": _("an adjudicator device"),
    "display": _("a display device"),
}
DESK = ("scrutineer",)
OFFICIALS = ("scrutineer", "chair")
READERS = ("scrutineer", "chair", "display")
CHAIR = ("chair",)
