"""The live stream: change-log rows, made public, fanned out to every viewer as Server-Sent Events.

`id:` is the change log's seq, so a viewer that reconnects with Last-Event-ID gets exactly what it missed,
even across a restart (the backlog is read from the database).

The fan-out is built for a thousand viewers on a Raspberry Pi: each commit's public frames are encoded once
(per floor filter), and written to every viewer's connection straight from the publishing callback, with no
task and no queue per viewer. A write that the server can take at once (the usual case) completes
synchronously; one that has to wait for a slow socket is finished in a task while that viewer's later frames
are held back, and a viewer that falls too far behind is cut off (it reconnects with Last-Event-ID).
Viewers are capped (Hub.max_viewers, FLOORCRAFT_LIVE_MAX_VIEWERS): beyond the cap a viewer gets 503 with
Retry-After and the connection is closed, so the audience never holds the connections the officials need;
the pages then poll /api/live/state and try the stream again later (web/lib/live.js).
With fan-out workers (appliance/live/fanout.py) the server only admits a viewer here and hands its connection on;
each worker runs a Hub of its own, fed the committed rows, and serves the stream with the same code.
Public means: what is on the floor, how many judges have sent each dance (never a mark before the round
is computed), recalled couples, final placings with per-dance places, and whether a result is official.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from appliance.db import changelog
from appliance.db import rounds as rounds_db
from appliance.i18n import _
from appliance.live.params import give_once, given_twice
from appliance.live.viewer import Send, Viewer
from appliance.services.public import RESULT_KINDS

# appliance.errors and appliance.trust.connections are imported where an error is answered, which the fan-out workers
# (appliance/live/worker.py, serving streams with this module) never do: they need no uvicorn protocol

log = logging.getLogger(__name__)
RETRY_AFTER = 30  # seconds a viewer refused for the cap waits before trying the stream again
KEEPALIVE = 15.0
FANOUT_INTERVAL = 0.005  # at most one write per viewer per 5 ms: under load, frames of many commits share it
MAX_INTERVAL = 0.25  # the pause after a fan-out that took long (see Hub._flush) is at most this
# A fan-out worker holds "judge C sent the Waltz" up to this long, so that the sheets of a dance's end share a
# write to every viewer; anything else (a result, a floor's move) goes at once, with what was held before it
PROGRESS_HOLD = 0.5
PROGRESS = frozenset(("sheet.submitted", "sheet.amended", "sheet.corrected"))
# `?only=results`: what the results page shows (web/results): a phone in the crowd gets a frame per result, not
# one per sheet and floor move (the display and the desk take every kind)
ONLY = {"results": frozenset(RESULT_KINDS)}
T = TypeVar("T")


class Source(Protocol):
    """Where the hub reads the log: the server's Store, or a fan-out worker's read-only connection."""

    def on_commit(self, callback: Callable[[list[sqlite3.Row]], None]) -> None: ...

    def read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T: ...


def public_event(kind: str, payload: dict) -> dict | None:
    """What the audience may see of one change, or None (registrations, devices, marks before computing)."""
    if kind.startswith("floor."):
        item = payload.get("item") or {}
        return {"state": payload["state"], "now": item, "event_id": item.get("event_id")}
    if kind in ("sheet.submitted", "sheet.amended", "sheet.corrected"):
        return {
            "round_id": payload["round_id"],
            "event_id": payload["event_id"],
            "dance": payload["dance"],
            "judge": payload["judge"],
        }
    if kind in ("round.computed", "round.recomputed"):
        result = payload["result"]
        shown = {
            "round_id": payload["round_id"],
            "event_id": payload["event_id"],
            "kind": payload["kind"],
            "state": payload["state"],
            "official": False,
        }
        if payload["kind"] == "recall":
            shown |= {"recalled": result["recalled"], "tie_at_cut": result["tie_at_cut"]}
        else:
            shown |= {"places": result["places"], "dances": result["dances"], "reasons": result["reasons"]}
        return shown
    if kind == "round.advanced":
        return {k: payload[k] for k in ("event_id", "from_round", "round_id", "round", "recalled", "heats")}
    if kind == "round.decided":
        return {"round_id": payload["round_id"], "recall": payload["recall"]}
    if kind == "result.official":
        return {"round_id": payload["round_id"], "event_id": payload["event_id"], "official": True}
    if kind.startswith("schedule."):  # the day's schedule changed (timing or order): the pages fetch it again
        return {"floor_id": payload["floor_id"], "round_id": payload.get("round_id")}
    if kind == "round.drawn":
        return {"round_id": None, "event_id": payload["event_id"], "round": payload["round"], "heats": payload["heats"]}
    if kind in ("couple.withdrawn", "couple.disqualified"):  # the results label the couple (issue #10)
        return {"event_id": payload["event_id"], "bib": payload["bib"], "round_id": payload.get("round_id")}
    return None


class Hub:
    """Each committed change-log row becomes at most one frame, encoded once and written to every viewer."""

    def __init__(self, store: Source, max_viewers: int = 1000, paced: bool = True):
        self.store, self.max_viewers = store, max_viewers
        self.paced = paced  # False (a fan-out worker, which serves no official): fan out as soon as the loop is free
        self.elsewhere: Callable[[], int] = lambda: 0  # viewers the fan-out workers serve (appliance/live/fanout.py)
        self.handoff: Callable[[Mapping[str, Any], Any], Awaitable[bool]] | None = None  # to a fan-out worker
        self.loop: asyncio.AbstractEventLoop | None = None
        self.viewers: set[Viewer] = set()
        self.event_floor: dict[int, int] = {}
        self.is_closed = False
        self._rows: list[tuple] = []
        self.published = 0  # the last seq published
        self._flush_at: float = 0.0
        self._scheduled = False
        self._held: asyncio.TimerHandle | None = None  # unpaced: the flush of progress rows being held
        self.hold = PROGRESS_HOLD
        self._states: dict[int | None, asyncio.Future[tuple[int, bytes]]] = {}  # the last state read, per floor
        store.on_commit(self._committed)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        rows = self.store.read_sync(lambda conn: conn.execute("SELECT id, floor_id FROM events").fetchall())
        self.event_floor = {r[0]: r[1] for r in rows}

    def frame(self, row: sqlite3.Row | tuple) -> tuple[bytes, int | None] | None:
        """(the SSE frame, its floor) for a change-log row, or None if nothing of it is public."""
        seq, kind, entity, payload_text = tuple(row)[:4]
        payload = json.loads(payload_text)
        if kind == "event.created":
            self.event_floor[payload["id"]] = payload["floor_id"]
        shown = public_event(kind, payload)
        if shown is None:
            return None
        event_id = shown.get("event_id")
        floor: int | None
        if entity.startswith("floor/"):
            floor = int(entity.split("/")[1])
        else:
            floor = None if event_id is None else self.event_floor.get(event_id)
        shown["floor_id"] = floor
        data = json.dumps(shown, separators=(",", ":"))
        return f"id: {seq}\nevent: {kind}\ndata: {data}\n\n".encode(), floor

    def _committed(self, rows: list[sqlite3.Row]) -> None:
        """On the writer thread, right after a commit: hand the rows to the event loop."""
        if self.loop is not None and not self.is_closed:
            self.loop.call_soon_threadsafe(self._arrived, self.loop, [tuple(r) for r in rows])

    def deliver(self, rows: list[tuple]) -> None:
        """Rows that arrived on the event loop (a fan-out worker's feed): published like the writer's."""
        if self.loop is not None and not self.is_closed:
            self._arrived(self.loop, rows)

    def _arrived(self, loop: asyncio.AbstractEventLoop, rows: list[tuple]) -> None:
        """Publish at once when idle; under load, gather the rows of many commits into one fan-out."""
        self._rows += rows
        if self._scheduled:
            return
        if not self.paced:  # the rows of every commit that arrives before the loop's next turn share one fan-out
            if any(row[1] not in PROGRESS for row in rows):
                self._scheduled = True
                loop.call_soon(self._flush, loop)
            elif self._held is None:
                self._held = loop.call_later(self.hold, self._flush, loop)
            return
        now = loop.time()
        if now >= self._flush_at:
            self._flush(loop)
        else:
            self._scheduled = True
            loop.call_at(self._flush_at, self._flush, loop)

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        """One fan-out; the next waits at least as long as this one took, so that under load (thousands of
        viewers, a busy CPU) the frames of more commits share each write and the loop is never all fan-out.
        Unpaced (a worker: no judge waits for its loop), the next comes at the loop's next turn, and sheets'
        progress alone waits PROGRESS_HOLD s for more (or for a result, which takes it along)."""
        self._scheduled = False
        if self._held is not None:
            self._held.cancel()
            self._held = None
        started = time.perf_counter()
        rows, self._rows = self._rows, []
        self.publish(rows)
        self._flush_at = loop.time() + max(FANOUT_INTERVAL, min(MAX_INTERVAL, time.perf_counter() - started))

    def publish(self, rows: list[tuple]) -> None:
        self.published = max(self.published, rows[-1][0]) if rows else self.published
        if not self.viewers:  # the usual case in the server when fan-out workers serve every viewer
            for row in rows:
                if row[1] == "event.created":
                    self.frame(row)  # keeps its event -> floor map for viewers to come
            return
        frames = [(row[0], row[1], made) for row in rows if (made := self.frame(row)) is not None]
        if not frames:
            return
        bodies: dict[tuple[int | None, frozenset[str] | None], bytes] = {}
        for viewer in list(self.viewers):
            if viewer.pending is not None:
                viewer.pending += [(seq, data) for seq, kind, (data, floor) in frames if _shown(viewer, floor, kind)]
                continue
            if viewer.after:  # rows it read in its backlog before the hub published them (a worker's feed lags)
                if frames[-1][0] > viewer.after:
                    rest = b"".join(d for seq, k, (d, f) in frames if seq > viewer.after and _shown(viewer, f, k))
                    viewer.after = 0
                    if rest:
                        viewer.push(rest)
                continue
            body = bodies.get((viewer.floor, viewer.only))
            if body is None:
                body = b"".join(data for _, kind, (data, floor) in frames if _shown(viewer, floor, kind))
                bodies[(viewer.floor, viewer.only)] = body
            if body:
                viewer.push(body)

    def close(self) -> None:
        """Shutdown: every stream ends now, so the server can stop within its timeout."""
        self.is_closed = True
        for viewer in list(self.viewers):
            viewer.closed.set()

    async def head(self) -> int:
        return (await self.store.read(changelog.head))[0]

    def full(self) -> bool:
        return len(self.viewers) + self.elsewhere() >= self.max_viewers

    async def state_frame(self, floor: int | None) -> tuple[int, bytes]:
        """The whole public state as one `state` frame (a new viewer's first), and its seq. One read serves every
        viewer that asks while nothing newer was published (a crowd arriving, a worker's viewers coming back): a
        state at seq S is good for a viewer registered when the hub had published up to S at most, since every
        later row reaches that viewer live."""
        at = self.published
        shared = self._states.get(floor)
        if shared is None or (shared.done() and (shared.cancelled() or shared.exception() or shared.result()[0] < at)):
            shared = self._states[floor] = asyncio.ensure_future(self._read_state(floor))
        seq, frame = await asyncio.shield(shared)
        return (seq, frame) if seq >= at else await self._read_state(floor)

    async def _read_state(self, floor: int | None) -> tuple[int, bytes]:
        from appliance.services.public import public_state

        state = await self.store.read(lambda conn: public_state(conn, floor))
        data = json.dumps(state, separators=(",", ":"), default=str)
        return state["seq"], f"id: {state['seq']}\nevent: state\ndata: {data}\n\n".encode()

    async def backlog(
        self, after: int, floor: int | None, only: frozenset[str] | None = None
    ) -> list[tuple[int, bytes]]:
        rows = await self.store.read(lambda conn: changelog.rows_after(conn, after, limit=100_000))
        frames = []
        for row in rows:
            made = self.frame(row)
            if made is None or (only is not None and row[1] not in only):
                continue
            if floor is None or made[1] is None or made[1] == floor:
                frames.append((row[0], made[0]))
        return frames


def _shown(viewer: Viewer, floor: int | None, kind: str) -> bool:
    return (viewer.only is None or kind in viewer.only) and (
        viewer.floor is None or floor is None or floor == viewer.floor
    )


def _query(scope: Mapping[str, Any]) -> dict[str, str]:
    text = scope.get("query_string", b"").decode("latin-1")
    return dict(part.split("=", 1) for part in text.split("&") if "=" in part)


def _number(text: str, digits: int) -> int | None:
    """A whole number of at most `digits` ASCII digits, else None ('²' and '١٢' are digits to str.isdigit)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def _last_event_id(scope: Mapping[str, Any], query: dict[str, str]) -> int | None:
    """The seq to resume after; a malformed Last-Event-ID is ignored (the viewer gets the whole state), and so
    is one beyond the log's head (stream() checks: it would get nothing until the log caught up)."""
    for name, value in scope.get("headers", []):
        if name == b"last-event-id":
            return _number(value.decode("latin-1"), 18)
    return _number(query.get("last_event_id", ""), 18)


STREAM_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


async def _not_a_viewer(scope: Mapping[str, Any], send: Send) -> bool:
    """A method other than GET or HEAD: 405 (it opened a stream). True: answered."""
    from appliance.errors import send_error

    method = scope.get("method", "GET")
    if method not in ("GET", "HEAD"):
        await send_error(
            send,
            405,
            "method_not_allowed",
            _said(scope, _("the live stream takes GET, not {method}", method=method[:20])),
            headers=((b"allow", b"GET, HEAD"),),
        )
        return True
    return False


def _said(scope: Mapping[str, Any], message: str) -> str:
    """`message` in the language of whoever asked (the page's cookie, else Accept-Language: appliance/i18n.py)."""
    from appliance.i18n import for_scope, translate

    return translate(message, for_scope(dict(scope)))


async def _refuse(scope: Mapping[str, Any], send: Send, message: str, field: str) -> None:
    from appliance.errors import send_error

    await send_error(send, 400, "invalid", _said(scope, message), field)


async def _too_many(hub: Hub, scope: Mapping[str, Any], send: Send) -> None:
    """503 beyond the viewers' cap; the connection is closed (its descriptor is freed for the officials)."""
    from appliance.errors import send_error
    from appliance.trust.connections import WARNINGS

    WARNINGS.warn(
        "viewers", "live viewers' cap of %d reached: new viewers get 503 and poll /api/live/state", hub.max_viewers
    )
    await send_error(
        send,
        503,
        "too_many_viewers",
        _said(
            scope,
            _(
                "the live stream is full ({n} viewers): poll /api/live/state and try again in {seconds} s",
                n=hub.max_viewers,
                seconds=RETRY_AFTER,
            ),
        ),
        headers=((b"retry-after", str(RETRY_AFTER).encode()), (b"connection", b"close")),
    )


async def stream(
    hub: Hub,
    scope: Mapping[str, Any],
    receive: Any,
    send: Send,
    state_frame: Callable[[int | None], Awaitable[tuple[int, bytes]]],
    direct: Callable[[bytes], bool] | None = None,
) -> None:
    """The SSE endpoint as a plain ASGI app: register, replay what was missed, then follow live.
    With fan-out workers (hub.handoff), an admitted viewer's connection is handed to one (else served here);
    a worker passes `direct`, its connection's own write of the live frames (see Viewer)."""
    admitted = await admit(hub, scope, send)
    if admitted is None:
        return
    if hub.handoff is not None and await hub.handoff(scope, receive):
        return
    await follow(hub, scope, receive, send, state_frame, admitted[0], direct, admitted[1])


async def admit(hub: Hub, scope: Mapping[str, Any], send: Send) -> tuple[int | None, frozenset[str] | None] | None:
    """Before a stream opens: 405, a bad or repeated floor or `only` (400), an unknown floor (404), HEAD (the
    headers) and the viewers' cap (503) are answered (None); else (the floor to follow, None: all; the kinds, None:
    all)."""
    if await _not_a_viewer(scope, send):
        return None
    twice = given_twice(scope.get("query_string", b""))
    if twice is not None:  # ?floor=1&floor=2: not the last one quietly
        await _refuse(scope, send, give_once(twice), twice)
        return None
    query = _query(scope)
    floor_text, only_text = query.get("floor", ""), query.get("only", "")
    floor = _number(floor_text, 10)
    if floor_text and (floor is None or not 1 <= floor <= 2**31):
        await _refuse(scope, send, _("floor must be a floor id (a whole number from 1)"), "floor")
        return None
    if only_text and only_text not in ONLY:
        await _refuse(scope, send, _("only must be results (or left out: every kind of event)"), "only")
        return None
    if floor is not None and not await hub.store.read(lambda conn: rounds_db.get_floor(conn, floor) is not None):
        from appliance.errors import send_error

        await send_error(send, 404, "not_found", _said(scope, _("no floor {floor_id}", floor_id=floor)), "floor")
        return None
    if scope.get("method", "GET") == "HEAD":  # what GET would open, without a viewer: the headers alone
        await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
        await send({"type": "http.response.body", "body": b""})
        return None
    if hub.full():
        await _too_many(hub, scope, send)
        return None
    return floor, ONLY.get(only_text)


async def follow(
    hub: Hub,
    scope: Mapping[str, Any],
    receive: Any,
    send: Send,
    state_frame: Callable[[int | None], Awaitable[tuple[int, bytes]]],
    floor: int | None,
    direct: Callable[[bytes], bool] | None = None,
    only: frozenset[str] | None = None,
) -> None:
    """An admitted viewer: the stream's head, what it missed (or the whole state), then every new frame."""
    query = _query(scope)
    viewer = Viewer(send, floor, direct, only)
    hub.viewers.add(viewer)
    gone = asyncio.ensure_future(_disconnected(receive, viewer))
    try:
        await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
        after = _last_event_id(scope, query)
        if after is not None and after > await hub.head():
            after = None  # a seq this log never reached (restored from a backup, another box): the whole state
        if after is None:
            last, state = await state_frame(viewer.floor)
            frames = [(last, state)]
        else:
            frames = await hub.backlog(after, viewer.floor, viewer.only)
            last = frames[-1][0] if frames else after
        await send(
            {
                "type": "http.response.body",
                "body": b"retry: 2000\n\n" + b"".join(f for _, f in frames),
                "more_body": True,
            }
        )
        missed = [(seq, data) for seq, data in viewer.pending or () if seq > last]
        viewer.after = max([last, *(seq for seq, _ in missed)])
        viewer.after = viewer.after if viewer.after > hub.published else 0  # the usual case: nothing to skip
        viewer.pending = None  # from here on the hub writes to this viewer directly
        if missed:
            viewer.push(b"".join(data for _, data in missed))
        closed = asyncio.ensure_future(viewer.closed.wait())
        while not closed.done():
            done, _ = await asyncio.wait({closed}, timeout=KEEPALIVE)
            if not done:
                viewer.push(b": keep-alive\n\n")
        if not gone.done():  # the server is stopping: end the response cleanly
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass
    finally:
        hub.viewers.discard(viewer)
        gone.cancel()


async def _disconnected(receive: Any, viewer: Viewer) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            viewer.closed.set()
            return
