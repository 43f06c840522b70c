"""The application's errors, and the one JSON error shape every failure answers with.

{"error": {"status": 404, "code": "not_found", "message": "no event 7", "field": null}}
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time Litestar loads with EXCEPTION_HANDLERS (below), never in a fan-out worker
    from litestar import Request, Response
    from litestar.exceptions import HTTPException, ValidationException
    from litestar.types import ExceptionHandlersMap

from appliance.i18n import Message, _, for_request, translate

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


class BadQuery(AppError):
    """A query parameter the route cannot read as given (e.g. given twice)."""

    status = 400
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


class TooManyAttempts(AppError):
    """429 with Retry-After: wait `retry_after` seconds (the chair's PIN lockout)."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, field: str | None, retry_after: int):
        super().__init__(message, field)
        self.retry_after = max(1, retry_after)


def error_body(status: int, code: str, message: str, field: str | None = None, details: list | None = None) -> dict:
    body: dict = {"status": status, "code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return {"error": body}


async def send_error(send, status: int, code: str, message: str, field: str | None = None, headers: tuple = ()) -> None:
    """The one error shape from plain ASGI code (middleware, the live stream), before any app answered."""
    body = json.dumps(error_body(status, code, message, field)).encode()
    start = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": start})
    await send({"type": "http.response.body", "body": body})


def said(request: Request, message: str) -> str:
    """`message` in the language of whoever sent `request` (appliance/i18n.py)."""
    return translate(message, for_request(request.cookies, request.headers.get("accept-language")))


def _said_details(request: Request, details: list | None) -> list | None:
    """The details' messages (e.g. a CSV file's row errors) in the asker's language too."""
    if details is None:
        return None
    return [
        {**d, "message": said(request, d["message"])} if isinstance(d, dict) and "message" in d else d for d in details
    ]


def _app_error(request: Request, exc: AppError) -> Response:
    retry = getattr(exc, "retry_after", None)
    return Response(
        error_body(exc.status, exc.code, said(request, exc.message), exc.field, _said_details(request, exc.details)),
        status_code=exc.status,
        headers={"Retry-After": str(retry)} if retry else None,
    )


_FIELD = re.compile(r"`\$\.([^`]*)`|(?:unknown|required) field `([^`]*)`")
_AT = re.compile(r"^(?P<text>.*?)(?: - at `\$\.?(?P<path>[^`]*)`)?$", re.DOTALL)
_OWN = re.compile(r"^(?P<field>[A-Za-z_][\w.\[\]]*): (?P<words>.*)$", re.DOTALL)
_KINDS = {
    "int": _("a whole number"),
    "float": _("a decimal number"),
    "str": _("text"),
    "bool": _("true or false"),
    "array": _("a list"),
    "object": _("an object ({...})"),
    "null": "null",
    "bytes": _("text"),
    "datetime": _("a date and time"),
    "date": _("a date"),
    "time": _("a time"),
}
_COMPARE = {">=": _("at least"), "<=": _("at most"), ">": _("more than"), "<": _("less than")}
_PATTERNS = {  # what a pattern means, in words (msgspec would show the regex)
    "^[A-Z]{1,2}$": _("must be a judge letter (A to Z, or two capitals such as AA)"),
    "^([A-Z]{2,3})?$": _("must be a country code of 2 or 3 capital letters, such as GER"),
    "^[A-Za-z0-9][A-Za-z0-9 _-]*$": _("must be a dance code: letters, digits, spaces, _ or -"),
    "^[0-9]{1,5}$": _("must be a bib number"),
    "^[0-9a-f]{64}$": _("must be 64 hexadecimal digits"),
    "^[A-Za-z0-9_-]{43}$": _("must be a 32-byte key in base64url (43 characters)"),
    "^[A-Za-z0-9_-]{8,64}$": _("must be 8 to 64 letters, digits, _ or -"),
    "^(https?://[^ /?#]+(/[^ ]*)?)?$": _("must be an http:// or https:// URL (or empty)"),
    "^[A-Za-z0-9 -]+$": _(
        "must be the code {command} printed: letters and digits, such as ABCDE-FGHJK",
        command="`floorcraft cloud pair`",
    ),
    # msgspec shows a pattern as its repr: the backslash of \S comes doubled
    r"^(postgres(ql)?://\\S*)?$": _(
        "must be a PostgreSQL URL such as {example} (or empty)", example="postgresql://user:password@host/dbname"
    ),
}


_FIELD_WORDS = {  # a setup field whose bounds are a rule of the sport: its rule in the words the desk shows by it
    "final_size": _("the final must have 6 to 8 couples"),
    "max_per_heat": _("a heat must have 2 to 48 couples"),
    "first_bib": _("the first bib must be a number from 1 to 9000"),
}
_KEEP = re.compile(r"^(is required|is not a field this request takes)$")
_OWN_WORDS: list[tuple[re.Pattern, Callable[[re.Match], Message]]] = [  # appliance/model/text.py's refusals
    (
        re.compile(r"^must not contain control characters such as line breaks, tabs or NUL \(found (U\+\w+)\)$"),
        lambda m: _(
            "must not contain control characters such as line breaks, tabs or NUL (found {character})",
            character=m[1],
        ),
    ),
    (
        re.compile(r"^must not contain invisible text-direction controls \(found (U\+\w+)\)$"),
        lambda m: _("must not contain invisible text-direction controls (found {character})", character=m[1]),
    ),
    (
        re.compile(r"^must not be blank \(only spaces or invisible characters\)$"),
        lambda m: _("must not be blank (only spaces or invisible characters)"),
    ),
]


def _kind(text: str) -> str:
    said: str = ""
    for part in text.split(" | "):
        kind = _KINDS.get(part, part)
        said = _("{either} or {other}", either=said, other=kind) if said else kind
    return said


def _length(op: str, n: str, what: str) -> str:
    if op == ">=" and n == "1":
        return _("must not be empty")
    return _("must have {compare} {n} {what}", compare=_COMPARE[op], n=n, what=what)


_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"^Expected `str` of length (>=|<=) (\d+)$"), lambda m: _length(m[1], m[2], _("characters"))),
    (re.compile(r"^Expected `array` of length (>=|<=) (\d+)$"), lambda m: _length(m[1], m[2], _("items"))),
    (re.compile(r"^Expected `object` of length (>=|<=) (\d+)$"), lambda m: _length(m[1], m[2], _("entries"))),
    (
        re.compile(r"^Expected `[^`]*` (>=|<=|>|<) (\S+)$"),
        lambda m: _("must be {compare} {n}", compare=_COMPARE[m[1]], n=m[2]),
    ),
    (
        re.compile(r"^Expected `str` matching regex '(.*)'$", re.DOTALL),
        lambda m: _PATTERNS.get(m[1], _("is not in the expected form")),
    ),
    (
        re.compile(r"^Expected `([^`]*)`, got `([^`]*)`$"),
        lambda m: _("must be {kind}, not {got}", kind=_kind(m[1]), got=_kind(m[2])),
    ),
    (re.compile(r"^Object missing required field `[^`]*`$"), lambda m: _("is required")),
    (re.compile(r"^Object contains unknown field `[^`]*`$"), lambda m: _("is not a field this request takes")),
    (
        re.compile(r"^Invalid enum value (.*)$", re.DOTALL),
        lambda m: _("may not be {value}: it is not one of the choices", value=m[1]),
    ),
    (re.compile(r"^Invalid RFC3339 encoded date$"), lambda m: _("must be a date such as 2026-12-05")),
    (
        re.compile(r"^Invalid RFC3339 encoded datetime$"),
        lambda m: _("must be a date and time such as 2026-12-05T18:00:00+01:00"),
    ),
    (re.compile(r"^Invalid RFC3339 encoded time$"), lambda m: _("must be a time such as 18:00:00")),
    (re.compile(r"^Integer value out of range$"), lambda m: _("is too large a number")),
    (re.compile(r"^Number out of range$"), lambda m: _("is too large a number")),
]


def _worded(words: str, rules: Sequence[tuple[re.Pattern, Callable[[re.Match], str]]]) -> str:
    """`words` said by the first rule whose pattern matches them (as they are when none does)."""
    for pattern, make in rules:
        found = pattern.match(words)
        if found:
            return make(found)
    return words


def plain_validation(text: str, key: str | None = None) -> tuple[str, str | None]:
    """A msgspec/Litestar validation message in plain words (a Message: German too), and the field it names.

    "Expected `int` <= 8 - at `$.final_size`" -> ("final_size must be at most 8", "final_size");
    a model's own "leader: must not be blank - at `$`" -> ("leader must not be blank", "leader").
    """
    parts = _AT.match(text.strip())
    words, path = (parts["text"], parts["path"]) if parts else (text, None)
    field = path or (key if key and key != "data" else None)
    named = re.search(r"(?:unknown|required) field `([^`]*)`", words)
    if named:
        field = f"{field}.{named[1]}" if path else named[1]
    own = _OWN.match(words)
    if own:
        field = f"{field}.{own['field']}" if field else own["field"]
        words = _worded(own["words"], _OWN_WORDS)
    else:
        words = _worded(words, _RULES)
    if field in _FIELD_WORDS and not _KEEP.match(words):
        return _FIELD_WORDS[field], field
    if field:
        return _("{field} {words}", field=field, words=words), field
    if words.startswith(("must ", "is ", "may ")):
        return _("the request body {words}", words=words), None
    return words, None


def _missing(detail: dict) -> tuple[str, str | None] | None:
    """Litestar says a missing input as its key's repr ("'data'"): the body (or that parameter) is required."""
    key = detail.get("key")
    if not key or str(detail.get("message", "")) != repr(key):
        return None
    if key == "data":
        return _("the request body is empty: this request takes a JSON object"), None
    return _("{key} is required", key=key), key


BODY_REFUSED = "floorcraft.body_refused"
"""The request state's key for a body refused before the signature was checked (appliance/api/body.py)."""


def _validation_error(request: Request, exc: ValidationException) -> Response:
    """Litestar/msgspec validation, in plain words naming the field (`$.events[0]` -> events[0])."""
    refused = request.scope.get("state", {}).get(BODY_REFUSED)
    if refused is not None:  # a quoted number, a key given twice: said once the signature was checked
        return Response(error_body(400, "invalid", said(request, refused[0]), refused[1]), status_code=400)
    details = [d for d in exc.extra if isinstance(d, dict)] if isinstance(exc.extra, list) else []
    found = [
        _missing(d) or plain_validation(str(d.get("message", "")), d.get("key")) for d in details if d.get("message")
    ]
    if not found:
        found = [plain_validation(str(exc.detail))]
    text = found[0][0]
    for message, _field in found[1:]:
        text = _("{first}; {then}", first=text, then=message)
    return Response(error_body(400, "invalid", said(request, text), found[0][1]), status_code=400)


def _too_deep(request: Request, exc: RecursionError) -> Response:
    """msgspec refuses JSON nested deeper than Python's recursion limit: bad input, not a server fault."""
    message = _("the request body is nested too deeply to be read (no request here needs more than a few levels)")
    return Response(error_body(400, "invalid", said(request, message)), status_code=400)


_UNREADABLE: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [  # msgspec's decode errors (Litestar: 400)
    (
        re.compile(r"^JSON is malformed: (.*)$", re.DOTALL),
        lambda m: _("the request body is not valid JSON ({reason})", reason=m[1]),
    ),
    (re.compile(r"^Input data was truncated$"), lambda m: _("the request body is not valid JSON: it ends too early")),
    (re.compile(r"^Number out of range"), lambda m: _("the request body holds a number too large to read")),
    (re.compile(r"^Invalid UTF-8"), lambda m: _("the request body is not UTF-8 text")),
]


def _unreadable(detail: str) -> str | None:
    worded = _worded(detail, _UNREADABLE)
    return worded if worded is not detail else None


_PHRASES = {  # Litestar's own details (the status's phrase), said in the asker's language too
    "Unauthorized": _("Unauthorized"),
    "Forbidden": _("Forbidden"),
    "Not Found": _("Not Found"),
    "Method Not Allowed": _("Method Not Allowed"),
    "Request Entity Too Large": _("Request Entity Too Large"),
    "Too Many Requests": _("Too Many Requests"),
}


def _http_error(request: Request, exc: HTTPException) -> Response:
    if exc.status_code == 400:
        unreadable = _unreadable(str(exc.detail))
        if unreadable is None and " - at `$" in str(exc.detail):
            unreadable = plain_validation(str(exc.detail))[0]
        if unreadable is not None:
            return Response(error_body(400, "invalid", said(request, unreadable)), status_code=400)
    code = {
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "rate_limited",
    }.get(exc.status_code, "http_error")
    return Response(
        error_body(exc.status_code, code, said(request, _PHRASES.get(str(exc.detail), exc.detail))),
        status_code=exc.status_code,
        headers=getattr(exc, "headers", None),
    )


def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = said(request, _("internal error; the scrutineer's log has the details"))
    return Response(error_body(500, "internal", message), status_code=500)


def _handlers() -> ExceptionHandlersMap:
    global Response, HTTPException, ValidationException  # the handlers above answer with them
    from litestar import Response
    from litestar.exceptions import HTTPException, ValidationException

    return {
        AppError: _app_error,
        ValidationException: _validation_error,
        RecursionError: _too_deep,
        HTTPException: _http_error,
        Exception: _unexpected,
    }


def __getattr__(name: str) -> Any:
    """EXCEPTION_HANDLERS, made on first use: Litestar is imported only by the processes that answer with it
    (the live fan-out workers, appliance/live/worker.py, import this module for its errors alone)."""
    if name == "EXCEPTION_HANDLERS":
        globals()[name] = handlers = _handlers()
        return handlers
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
