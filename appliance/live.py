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
Public means: what is on the floor, how many judges have sent each dance (never a mark before the round
is computed), recalled couples, final placings with per-dance places, and whether a result is official.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, cast

from appliance.connections import WARNINGS
from appliance.db import changelog
from appliance.db.store import Store
from appliance.errors import send_error

log = logging.getLogger(__name__)
RETRY_AFTER = 30  # seconds a viewer refused for the cap waits before trying the stream again
KEEPALIVE = 15.0
FANOUT_INTERVAL = 0.005  # at most one write per viewer per 5 ms: under load, frames of many commits share it
MAX_HELD = 1 << 20  # bytes held for a slow viewer before it is cut off
Send = Callable[[Any], Awaitable[None]]  # an ASGI send: takes a message (a dict)


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
    if kind == "round.drawn":
        return {"round_id": None, "event_id": payload["event_id"], "round": payload["round"], "heats": payload["heats"]}
    return None


class Viewer:
    """One open stream: its ASGI send, its floor (None: all), and what is held back while a write waits."""

    __slots__ = ("busy", "closed", "floor", "held", "pending", "send", "writer")

    def __init__(self, send: Send, floor: int | None):
        self.send, self.floor = send, floor
        self.pending: list[tuple[int, bytes]] | None = []  # frames published before its backlog went out
        self.held = bytearray()
        self.busy = False
        self.closed = asyncio.Event()
        self.writer: asyncio.Future[None] | None = None  # the write that waits for the socket (kept: never collected)

    def push(self, body: bytes) -> None:
        """Write now if the connection takes it at once; else hold it until the waiting write is done."""
        if self.closed.is_set():
            return
        if self.busy:
            self.held += body
            if len(self.held) > MAX_HELD:
                self.closed.set()  # too far behind: cut off; it resumes with Last-Event-ID
            return
        # driven by hand: one step now, the rest in _finish only if the socket's buffer is full
        coroutine = cast(
            "Coroutine[Any, Any, None]", self.send({"type": "http.response.body", "body": body, "more_body": True})
        )
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return
        except Exception:  # the connection is gone
            self.closed.set()
            return
        self.busy = True
        self.writer = asyncio.ensure_future(self._finish(coroutine, waiting))

    async def _finish(self, coroutine: Any, waiting: Any) -> None:
        """Drive a write that had to wait (the socket's buffer was full), then send what was held meanwhile."""
        try:
            while True:
                try:
                    await waiting
                except Exception as exc:
                    waiting = coroutine.throw(exc)
                else:
                    waiting = coroutine.send(None)
        except StopIteration:
            pass
        except Exception:
            self.closed.set()
            return
        self.busy = False
        if self.held:
            body, self.held = bytes(self.held), bytearray()
            self.push(body)


class Hub:
    """Each committed change-log row becomes at most one frame, encoded once and written to every viewer."""

    def __init__(self, store: Store, max_viewers: int = 1000):
        self.store, self.max_viewers = store, max_viewers
        self.loop: asyncio.AbstractEventLoop | None = None
        self.viewers: set[Viewer] = set()
        self.event_floor: dict[int, int] = {}
        self.is_closed = False
        self._rows: list[tuple] = []
        self._flush_at: float = 0.0
        self._scheduled = False
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

    def _arrived(self, loop: asyncio.AbstractEventLoop, rows: list[tuple]) -> None:
        """Publish at once when idle; under load, gather the rows of many commits into one fan-out."""
        self._rows += rows
        if self._scheduled:
            return
        now = loop.time()
        if now >= self._flush_at:
            self._flush(loop)
        else:
            self._scheduled = True
            loop.call_at(self._flush_at, self._flush, loop)

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        self._flush_at = loop.time() + FANOUT_INTERVAL
        rows, self._rows = self._rows, []
        self.publish(rows)

    def publish(self, rows: list[tuple]) -> None:
        frames = [(row[0], made) for row in rows if (made := self.frame(row)) is not None]
        if not frames:
            return
        bodies: dict[int | None, bytes] = {}
        for viewer in list(self.viewers):
            if viewer.pending is not None:
                viewer.pending += [
                    (seq, data)
                    for seq, (data, floor) in frames
                    if viewer.floor is None or floor is None or floor == viewer.floor
                ]
                continue
            body = bodies.get(viewer.floor)
            if body is None:
                body = bodies[viewer.floor] = b"".join(
                    data
                    for _, (data, floor) in frames
                    if viewer.floor is None or floor is None or floor == viewer.floor
                )
            if body:
                viewer.push(body)

    def close(self) -> None:
        """Shutdown: every stream ends now, so the server can stop within its timeout."""
        self.is_closed = True
        for viewer in list(self.viewers):
            viewer.closed.set()

    async def head(self) -> int:
        return (await self.store.read(changelog.head))[0]

    async def backlog(self, after: int, floor: int | None) -> list[tuple[int, bytes]]:
        rows = await self.store.read(lambda conn: changelog.rows_after(conn, after, limit=100_000))
        frames = []
        for row in rows:
            made = self.frame(row)
            if made is not None and (floor is None or made[1] is None or made[1] == floor):
                frames.append((row[0], made[0]))
        return frames


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
    """HEAD: the stream's headers, no viewer; a method other than GET: 405 (it opened a stream). True: answered."""
    method = scope.get("method", "GET")
    if method == "HEAD":
        await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
        await send({"type": "http.response.body", "body": b""})
        return True
    if method != "GET":
        await send_error(
            send,
            405,
            "method_not_allowed",
            f"the live stream takes GET, not {method}",
            headers=((b"allow", b"GET, HEAD"),),
        )
        return True
    return False


async def _refuse(send: Send, message: str) -> None:
    await send_error(send, 400, "invalid", message, "floor")


async def _too_many(hub: Hub, send: Send) -> None:
    """503 beyond the viewers' cap; the connection is closed (its descriptor is freed for the officials)."""
    WARNINGS.warn(
        "viewers", "live viewers' cap of %d reached: new viewers get 503 and poll /api/live/state", hub.max_viewers
    )
    await send_error(
        send,
        503,
        "too_many_viewers",
        f"the live stream is full ({hub.max_viewers} viewers): poll /api/live/state and try again in {RETRY_AFTER} s",
        headers=((b"retry-after", str(RETRY_AFTER).encode()), (b"connection", b"close")),
    )


async def stream(
    hub: Hub,
    scope: Mapping[str, Any],
    receive: Any,
    send: Send,
    state_frame: Callable[[int | None], Awaitable[tuple[int, bytes]]],
) -> None:
    """The SSE endpoint as a plain ASGI app: register, replay what was missed, then follow live."""
    if await _not_a_viewer(scope, send):
        return
    query = _query(scope)
    floor_text = query.get("floor", "")
    floor = _number(floor_text, 10)
    if floor_text and (floor is None or not 1 <= floor <= 2**31):
        await _refuse(send, "floor must be a floor id (a whole number from 1)")
        return
    if len(hub.viewers) >= hub.max_viewers:
        await _too_many(hub, send)
        return
    viewer = Viewer(send, floor)
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
            frames = await hub.backlog(after, viewer.floor)
            last = frames[-1][0] if frames else after
        await send(
            {
                "type": "http.response.body",
                "body": b"retry: 2000\n\n" + b"".join(f for _, f in frames),
                "more_body": True,
            }
        )
        missed = b"".join(data for seq, data in viewer.pending or () if seq > last)
        viewer.pending = None  # from here on the hub writes to this viewer directly
        if missed:
            viewer.push(missed)
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
