"""The live stream: change-log rows, made public, fanned out to every viewer as Server-Sent Events.

`id:` is the change log's seq, so a viewer that reconnects with Last-Event-ID gets exactly what it missed,
even across a restart (the backlog is read from the database). Each frame is encoded once and written to
every viewer's queue; nothing per viewer but a queue put and a socket write.
Public means: what is on the floor, how many judges have sent each dance (never a mark before the round
is computed), recalled couples, final placings with per-dance places, and whether a result is official.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import Any

from appliance.db import changelog
from appliance.db.store import Store

log = logging.getLogger(__name__)
KEEPALIVE = 15.0
QUEUE_LIMIT = 1000


def public_event(kind: str, payload: dict) -> dict | None:
    """What the audience may see of one change, or None (registrations, devices, marks before computing)."""
    if kind.startswith("floor."):
        item = payload.get("item") or {}
        return {"state": payload["state"], "now": item, "event_id": item.get("event_id")}
    if kind in ("sheet.submitted", "sheet.amended", "sheet.corrected"):
        return {"round_id": payload["round_id"], "event_id": payload["event_id"], "dance": payload["dance"],
                "judge": payload["judge"]}
    if kind in ("round.computed", "round.recomputed"):
        result = payload["result"]
        shown = {"round_id": payload["round_id"], "event_id": payload["event_id"], "kind": payload["kind"],
                 "state": payload["state"], "official": False}
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


class Hub:
    """Viewers subscribe with an optional floor; each committed row becomes at most one frame, encoded once."""

    def __init__(self, store: Store):
        self.store = store
        self.loop: asyncio.AbstractEventLoop | None = None
        self.viewers: dict[asyncio.Queue, int | None] = {}
        self.event_floor: dict[int, int] = {}
        self.closed = False
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
        floor = int(entity.split("/")[1]) if entity.startswith("floor/") else self.event_floor.get(
            shown.get("event_id"))
        shown["floor_id"] = floor
        data = json.dumps(shown, separators=(",", ":"))
        return f"id: {seq}\nevent: {kind}\ndata: {data}\n\n".encode(), floor

    def _committed(self, rows: list[sqlite3.Row]) -> None:
        """On the writer thread, right after a commit: hand the rows to the event loop."""
        if self.loop is not None and not self.closed:
            self.loop.call_soon_threadsafe(self._publish, [tuple(r) for r in rows])

    def _publish(self, rows: list[tuple]) -> None:
        for row in rows:
            made = self.frame(row)
            if made is None:
                continue
            data, floor = made
            for queue, wanted in self.viewers.items():
                if wanted is None or floor is None or wanted == floor:
                    if queue.qsize() < QUEUE_LIMIT:
                        queue.put_nowait((row[0], data))
                    else:  # a viewer that cannot keep up is dropped; it reconnects with Last-Event-ID
                        queue.put_nowait(None)

    def subscribe(self, floor: int | None) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self.viewers[queue] = floor
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self.viewers.pop(queue, None)

    def close(self) -> None:
        """Shutdown: every stream ends now, so the server can stop within its timeout."""
        self.closed = True
        for queue in list(self.viewers):
            queue.put_nowait(None)

    async def backlog(self, after: int, floor: int | None) -> list[tuple[int, bytes]]:
        rows = await self.store.read(lambda conn: changelog.rows_after(conn, after, limit=100_000))
        frames = []
        for row in rows:
            made = self.frame(row)
            if made is not None and (floor is None or made[1] is None or made[1] == floor):
                frames.append((row[0], made[0]))
        return frames


def _query(scope: dict) -> dict[str, str]:
    text = scope.get("query_string", b"").decode("latin-1")
    return dict(part.split("=", 1) for part in text.split("&") if "=" in part)


def _last_event_id(scope: dict, query: dict[str, str]) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"last-event-id":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 19 else None
    text = query.get("last_event_id", "")
    return int(text) if text.isdigit() and len(text) < 19 else None


async def stream(hub: Hub, scope: dict, receive: Any, send: Any, state_frame) -> None:
    """The SSE endpoint as a plain ASGI app: subscribe, replay what was missed, then follow live."""
    query = _query(scope)
    floor_text = query.get("floor", "")
    if floor_text and (not floor_text.isdigit() or len(floor_text) > 9):
        body = b'{"error":{"status":400,"code":"invalid","message":"floor must be a floor id","field":"floor"}}'
        await send({"type": "http.response.start", "status": 400,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})
        return
    floor = int(floor_text) if floor_text else None
    queue = hub.subscribe(floor)
    try:
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no")]})
        after = _last_event_id(scope, query)
        if after is None:
            last, first = await state_frame(floor)
            frames = [(last, first)]
        else:
            frames = await hub.backlog(after, floor)
            last = frames[-1][0] if frames else after
        await send({"type": "http.response.body", "body": b"retry: 2000\n\n" + b"".join(f for _, f in frames),
                    "more_body": True})
        await _follow(queue, last, receive, send)
    finally:
        hub.unsubscribe(queue)


async def _follow(queue: asyncio.Queue, last: int, receive: Any, send: Any) -> None:
    gone = asyncio.ensure_future(_disconnected(receive))
    try:
        while not gone.done():
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait({getter, gone}, timeout=KEEPALIVE, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                if not gone.done():
                    await send({"type": "http.response.body", "body": b": keep-alive\n\n", "more_body": True})
                continue
            item = getter.result()
            if item is None:
                break
            seq, data = item
            if seq > last:
                last = seq
                await send({"type": "http.response.body", "body": data, "more_body": True})
        if not gone.done():
            await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:
        pass
    finally:
        gone.cancel()


async def _disconnected(receive: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
