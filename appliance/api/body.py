"""Request bodies read strictly, for every route at once (the app's `request_class`).

Litestar converts a JSON body to the route's Struct in msgspec's lax mode, where `{"first_bib": "7"}` is 7; and no
JSON decoder refuses an object that names a key twice (`{"places": {"12": 1, "12": 2}}` would keep the last).
Here the body is decoded in strict mode against the route's own type, and an object with a key twice is found.

Such a refusal is not said at once: the body is read before the device's signature is checked, and a request
that is not signed must still get its 401 first (security.md). It is kept in the request's state and the body
handed on as a value no Struct takes, so that Litestar's validation, after the signature, fails; the validation
handler (appliance/errors.py) then says the kept refusal. Malformed JSON is refused at once, as before.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import SerializationException
from litestar.serialization import decode_json
from litestar.types import Empty

from appliance.errors import BODY_REFUSED, plain_validation
from appliance.i18n import _


class _Twice(Exception):
    """An object names one key twice (the JSON decoder's hook, on the quick pass)."""


class _Pairs(list):
    """An object as its (key, value) pairs in order (the slow pass that finds where a key came twice)."""


class _Refused:
    """The body handed on when it was refused: no Struct takes it (its refusal is in the request's state)."""


REFUSED = _Refused()


def _once(pairs: list[tuple[str, Any]]) -> dict:
    made = dict(pairs)
    if len(made) != len(pairs):
        raise _Twice
    return made


_QUICK = json.JSONDecoder(object_pairs_hook=_once)
_SLOW = json.JSONDecoder(object_pairs_hook=_Pairs)


def _first_twice(value: Any) -> tuple[str, str] | None:
    """(the object's path, the key) of the first object, depth first, that names a key twice (no recursion:
    a body may be nested as deep as the json module reads). Each item on the stack links to its parent's
    (path, key) node instead of carrying its path as text, so a deep body costs memory in proportion to its
    size; the path is written out only for the object found, and shortened past PATH_PARTS parts."""
    stack: list[tuple[tuple | None, Any]] = [(None, value)]
    while stack:
        node, value = stack.pop()
        if isinstance(value, _Pairs):
            seen: set[str] = set()
            for key, _item in value:
                if key in seen:
                    return _path(node), key if len(key) <= 60 else key[:60] + "..."
                seen.add(key)
            stack.extend(((node, key), item) for key, item in reversed(value))
        elif isinstance(value, list):
            stack.extend(((node, f"[{i}]"), item) for i, item in reversed(list(enumerate(value))))
    return None


PATH_PARTS = 6  # a path deeper than this is said as its first parts and "..."


def _path(node: tuple | None) -> str:
    parts: list[str] = []
    while node is not None:
        node, part = node
        parts.append(part if len(part) <= 40 else part[:40] + "...")
    parts.reverse()
    if len(parts) > PATH_PARTS:
        parts = [*parts[:PATH_PARTS], "..."]
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text


def _where_twice(body: bytes) -> tuple[str, str] | None:
    try:
        return _first_twice(_SLOW.decode(body.decode("utf-8")))
    except (ValueError, RecursionError):  # malformed after the key given twice: msgspec says what is wrong
        return None


def key_twice(body: bytes) -> tuple[str, str | None] | None:
    """A JSON body that names a key twice in one object: (the refusal in words, the field); else None.

    About 3 us on a judge's 100-byte sheet (the C scanner of the json module, a Python hook per object).
    A body Python's json cannot read is not judged here: msgspec says what is wrong with it.
    """
    if body.count(b":") < 2:  # one key at most: nothing can come twice
        return None
    try:
        _QUICK.decode(body.decode("utf-8"))
        return None
    except _Twice:  # where? (the quick pass stopped there: the rest may still be malformed)
        found = _where_twice(body)
    except (ValueError, RecursionError):  # not UTF-8, not JSON, nested too deep: msgspec refuses it
        return None
    if found is None:
        return None
    path, key = found
    if not path:
        return _("{key} is given twice in the request body", key=key), key
    return _("{field} names {key} twice", field=path, key=key), path


_DECODERS: dict[Any, msgspec.json.Decoder] = {}


def _decoder(annotation: Any) -> msgspec.json.Decoder:
    decoder = _DECODERS.get(annotation)
    if decoder is None:
        decoder = _DECODERS[annotation] = msgspec.json.Decoder(annotation, strict=True)
    return decoder


def _lax_only(body: bytes, annotation: Any) -> Any:
    """The body as Python values when lax mode refuses it too (Litestar says why, as before); else REFUSED."""
    value = decode_json(body)
    try:
        msgspec.convert(value, annotation, strict=False, str_keys=True)
    except msgspec.ValidationError:
        return value
    return REFUSED


def read_body(body: bytes, annotation: Any, state: dict) -> Any:
    """The body for a route whose `data` has the type `annotation` (None: plain JSON values)."""
    twice = key_twice(body)
    if twice is not None:
        state[BODY_REFUSED] = twice
        return REFUSED
    if annotation is None:
        return decode_json(body)
    try:
        return _decoder(annotation).decode(body)  # the route's Struct: Litestar's conversion passes it through
    except msgspec.ValidationError as exc:
        value = _lax_only(body, annotation)
        if value is REFUSED:
            state[BODY_REFUSED] = plain_validation(str(exc))
        return value
    except msgspec.DecodeError as exc:
        raise SerializationException(str(exc)) from exc  # malformed JSON: Litestar's 400, said as before


class StrictRequest(Request):
    """Litestar's Request whose JSON body is read strictly (above)."""

    __slots__ = ()

    async def json(self) -> Any:
        if self._json is Empty:
            body = await self.body()
            model = self.route_handler.signature_model
            annotation = model.__annotations__.get("data") if model is not None else None
            state = self.scope.setdefault("state", {})
            self._json = self._connection_state.json = read_body(body or b"null", annotation, state)
        return self._json
