"""The application's errors, and the one JSON error shape every failure answers with.

    {"error": {"status": 404, "code": "not_found", "message": "no event 7", "field": null}}
"""

from __future__ import annotations

import logging
import re

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

log = logging.getLogger(__name__)


class AppError(Exception):
    """A failure the caller can act on; `field` names the input at fault when there is one."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, details: list | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class Invalid(AppError):
    status = 422
    code = "invalid"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class Gone(AppError):
    status = 410
    code = "gone"


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class StorageFull(AppError):
    status = 507
    code = "storage_full"


def error_body(status: int, code: str, message: str, field: str | None = None, details: list | None = None) -> dict:
    body: dict = {"status": status, "code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return {"error": body}


def _app_error(_: Request, exc: AppError) -> Response:
    return Response(error_body(exc.status, exc.code, exc.message, exc.field, exc.details), status_code=exc.status)


_FIELD = re.compile(r"`\$\.([^`]*)`|(?:unknown|required) field `([^`]*)`")


def _validation_error(_: Request, exc: ValidationException) -> Response:
    """Litestar/msgspec validation: name the field from msgspec's path (`$.events[0]` -> events[0])."""
    details = exc.extra if isinstance(exc.extra, list) else []
    messages = [str(d.get("message", "")) for d in details if isinstance(d, dict)]
    keys = [str(d.get("key")) for d in details if isinstance(d, dict) and d.get("key")]
    text = "; ".join(m for m in messages if m) or exc.detail
    match = _FIELD.search(text)
    field = (match.group(1) or match.group(2)) if match else (keys[0] if keys else None)
    return Response(error_body(400, "invalid", text, field), status_code=400)


def _http_error(_: Request, exc: HTTPException) -> Response:
    code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
            413: "too_large", 429: "rate_limited"}.get(exc.status_code, "http_error")
    return Response(error_body(exc.status_code, code, exc.detail), status_code=exc.status_code,
                    headers=getattr(exc, "headers", None))


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return Response(error_body(500, "internal", "internal error; the scrutineer's log has the details"),
                    status_code=500)


EXCEPTION_HANDLERS = {
    AppError: _app_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
