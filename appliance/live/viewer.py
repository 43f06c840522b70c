"""One live viewer's connection, written to straight from the fan-out (appliance/live/stream.py's Hub).

A write that the server can take at once (the usual case) completes synchronously; one that has to wait for a
slow socket is finished in a task while that viewer's later frames are held back, and a viewer that falls more
than MAX_HELD bytes behind is cut off (it reconnects with Last-Event-ID).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, cast

MAX_HELD = 1 << 20  # bytes held for a slow viewer before it is cut off
Send = Callable[[Any], Awaitable[None]]  # an ASGI send: takes a message (a dict)


class Viewer:
    """One open stream: its ASGI send, its floor (None: all), and what is held back while a write waits."""

    __slots__ = ("after", "busy", "closed", "direct", "floor", "held", "only", "pending", "send", "writer")

    def __init__(
        self,
        send: Send,
        floor: int | None,
        direct: Callable[[bytes], bool] | None = None,
        only: frozenset[str] | None = None,
    ):
        self.send, self.floor, self.only = send, floor, only  # only: the kinds it takes (None: every kind)
        self.direct = direct  # a fan-out worker's connection: writes SSE bytes at once (False: cut off), no ASGI
        self.pending: list[tuple[int, bytes]] | None = []  # frames published before its backlog went out
        self.after = 0  # its backlog went up to this seq: frames up to it, published later, are not sent again
        self.held = bytearray()
        self.busy = False
        self.closed = asyncio.Event()
        self.writer: asyncio.Future[None] | None = None  # the write that waits for the socket (kept: never collected)

    def push(self, body: bytes) -> None:
        """Write now if the connection takes it at once; else hold it until the waiting write is done."""
        if self.closed.is_set():
            return
        if self.direct is not None:
            if not self.direct(body):
                self.closed.set()  # gone, or too far behind: it resumes with Last-Event-ID
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
