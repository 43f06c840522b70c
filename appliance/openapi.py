"""The OpenAPI document tells the truth: the one error shape, and every status each route can answer.

`document(app)` walks the app's routes once, before the document is first built, and gives each operation the
error answers that follow from what the route is (no list by hand per route):

- every route: 400 (bad input, or a Host the box does not answer to), 429 (rate limit), 503 (at capacity);
- a route with path parameters: 404 (no such object); a public one also 410 (an expired link or QR code);
- a signed route (`opt["roles"]`): 401 (unsigned, bad signature, replay), 403 (revoked, wrong role, another
  competition), 404, 507 (disk full: even a read advances the device's counter);
- a write (not GET): 404 (an id in the body), 409, 410, 413, 415, 422, 507.

A route whose body is not JSON (the CSV import) declares it with `opt={"body": "text/csv"}`; a route with an
error of its own lists it in `opt={"errors": (403,)}`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Litestar
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    Components,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
    SecurityScheme,
)
from litestar.routes import HTTPRoute

from appliance.errors import send_error
from appliance.i18n import _, for_scope, translate

SIGNED = "signedRequest"


class ErrorDetail(msgspec.Struct, frozen=True):
    status: int
    code: str
    message: str
    field: str | None
    details: list[dict[str, Any]] | msgspec.UnsetType = msgspec.UNSET  # per-row errors of a CSV import


class Error(msgspec.Struct, frozen=True):
    """Every error the box answers: `message` says what is wrong in plain words, `field` names the input."""

    error: ErrorDetail


MEANING = {
    400: "Bad input (the message names the field), or a Host the box does not answer to",
    401: "Not a signed request, a bad signature, an unknown device or a replayed counter",
    403: "A revoked device, a role that may not do this, or another competition's object",
    404: "No such object",
    409: "Not possible in the current state (e.g. registration closed, already entered)",
    410: "The link or QR code has expired or been used",
    413: "The request body is too large",
    415: "The request body is not of the media type this route takes",
    422: "Well-formed but not acceptable (a rule of the competition, an Idempotency-Key reused for another request)",
    429: "Too many requests: try again after Retry-After seconds",
    503: "The box is at capacity: try again after Retry-After seconds",
    507: "The box's disk is full; nothing was written",
}
SECURITY = SecurityScheme(
    type="apiKey",
    name="X-Signature",
    security_scheme_in="header",
    description="A request signed by an enrolled device: X-Device, X-Counter (strictly increasing), "
    "Idempotency-Key and X-Signature, HMAC-SHA-256 over method, path, counter, key and the body's hash "
    "(see appliance/trust/client.py).",
)


def statuses(methods: set[str], has_path_params: bool, signed: bool) -> set[int]:
    """The error statuses a route can answer, from what it is."""
    codes = {400, 429, 503}
    if has_path_params:
        codes |= {404} if signed else {404, 410}
    if signed:
        codes |= {401, 403, 404, 507}
    if methods - {"GET", "HEAD", "OPTIONS"}:
        codes |= {404, 409, 410, 413, 415, 422, 507}
    return codes


def _body_operation(media_type: str) -> type[Operation]:
    """An Operation that declares a request body of `media_type` (Litestar documents JSON bodies only)."""

    def __init__(self: Operation, *args: Any, **kwargs: Any) -> None:
        Operation.__init__(self, *args, **kwargs)
        if self.request_body is None:
            schema = Schema(type=OpenAPIType.STRING, description=f"the {media_type} file")
            self.request_body = RequestBody(required=True, content={media_type: OpenAPIMediaType(schema=schema)})

    return type(f"Operation_{media_type.replace('/', '_')}", (Operation,), {"__init__": __init__})


def document(app: Litestar) -> None:
    """Give every documented operation its error answers (the `Error` shape) and its security."""
    config = app.openapi_config
    if config is not None:
        components = config.components if isinstance(config.components, Components) else Components()
        components.security_schemes = {**(components.security_schemes or {}), SIGNED: SECURITY}
        config.components = components
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.include_in_schema:
                continue
            signed = "roles" in handler.opt
            codes = statuses(set(handler.http_methods), bool(route.path_parameters), signed)
            codes |= set(handler.opt.get("errors", ()))
            handler.responses = {
                code: ResponseSpec(Error, description=MEANING[code], generate_examples=False) for code in sorted(codes)
            } | dict(handler.responses or {})
            if signed:  # the scopes name the roles that may call it
                handler.security = [{SIGNED: list(handler.opt["roles"])}]
            if "body" in handler.opt:
                handler.operation_class = _body_operation(handler.opt["body"])


class SchemaNotFound:
    """ASGI middleware: a path under the document's that names no document is 404 in the one error shape
    (Litestar's own answer to `/api/schema/x` is an HTML page)."""

    def __init__(self, app: Any, base: str = "/api/schema", served: tuple[str, ...] = ("/", "/openapi.json")):
        self.app, self.base, self.served = app, base, served

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path.startswith(self.base + "/") and path[len(self.base) :] not in self.served:
            said = _("no document at {path}; the API is at {base}", path=path[:200], base=self.base)
            await send_error(send, 404, "not_found", translate(said, for_scope(scope)))
            return
        await self.app(scope, receive, send)
