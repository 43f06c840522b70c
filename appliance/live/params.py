"""The live endpoints' parameters given once: `?floor=1&floor=2` or `?only=results&only=` is refused (400),
on the stream (appliance/live/stream.py: the server and its fan-out workers) and on /api/live/state alike; a
repeated parameter is not quietly read as its last value.

No Litestar here: the fan-out workers (appliance/live/worker.py) import this with appliance/live/stream.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from appliance.i18n import Message, _

ONCE = ("floor", "only")


def given_twice(query_string: bytes) -> str | None:
    """The first of the live parameters that the query string gives more than once (names percent-decoded)."""
    if query_string.count(b"&") == 0:
        return None
    names = [unquote_plus(part.split("=", 1)[0]) for part in query_string.decode("latin-1").split("&") if part]
    return next((name for name in ONCE if names.count(name) > 1), None)


def give_once(name: str) -> Message:
    return _("give {name} once", name=name)


async def one_each(request: Any) -> None:
    """/api/live/state's before_request (before Litestar reads the parameters, which keeps the last): 400."""
    from appliance.errors import BadQuery

    twice = given_twice(request.scope.get("query_string", b""))
    if twice is not None:
        raise BadQuery(give_once(twice), twice)
