"""A live fan-out worker process: serves the viewers' streams the server hands it (see appliance/live/fanout.py).

    main([FEED_FD, CONTROL_FD, DATABASE, LOG_LEVEL])   (started by the server: fanout.LAUNCH, never by hand)

A lean process: plain asyncio, no Litestar, no uvloop, no OpenSSL (fanout.LAUNCH keeps `ssl` and `_hashlib` out),
at `nice` NICE where the system lets it. It reads the database (read-only, on a thread of its own) for a new
viewer's state (one read shared by the viewers arriving together) or the backlog a Last-Event-ID asks for,
follows the change log through the feed (resyncing from the database when a message was dropped), and writes
each frame to its viewers with the server's own code (appliance/live/stream.py: one encoding per floor filter), each
viewer's live frames with one non-blocking `send` on its socket (Connection.push: no task, transport or ASGI
message per viewer; a slow viewer cut off). A viewer's connection arrives as a file descriptor on the control
socket, with its query string and Last-Event-ID; the worker answers on it (HTTP/1.1, chunked,
`connection: close`, the server's security headers). It exits when the server is gone (either socket closes)
and, on SIGTERM, ends every stream cleanly first.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import http
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import msgspec

from appliance.db import changelog
from appliance.db.store import connect
from appliance.live.stream import Hub, stream
from appliance.live.viewer import MAX_HELD

log = logging.getLogger("appliance.live.worker")
T = TypeVar("T")
UNLIMITED = 10**9  # the server enforces the viewers' cap over all workers
STOP_WAIT = 3.0  # seconds the streams have to end on SIGTERM
NICE = 15  # the judges' requests in the server come first when the cores are busy; the audience takes the rest


class Reader:
    """The hub's source in a worker: one read-only connection on one thread; commits arrive by the feed."""

    def __init__(self, path: Path):
        self.conn = connect(path, readonly=True)
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="live-reader")

    def on_commit(self, callback: Callable[[list[sqlite3.Row]], None]) -> None:
        pass

    def read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        self.conn.execute("BEGIN")
        try:
            return fn(self.conn)
        finally:
            self.conn.execute("COMMIT")

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self.read_sync, fn)


class Connection:
    """A viewer's TCP connection, written with plain non-blocking sends: the live frames go straight to the socket
    (`push`, no task, no transport, no ASGI message per frame); the stream's head and backlog come through `send`,
    an ASGI send (HTTP/1.1, chunked, `connection: close`). What the socket does not take at once waits in `out`
    and goes when it is writable; a viewer with more than MAX_HELD bytes waiting is cut off (it resumes)."""

    def __init__(self, sock: socket.socket, extra: list[tuple[bytes, bytes]]):
        self.sock, self.fd, self.extra = sock, sock.fileno(), extra
        self.loop = asyncio.get_running_loop()
        self.out = bytearray()
        self.lost = asyncio.Event()
        self.drained: asyncio.Future[None] | None = None
        self.chunked = True
        self.ending = False  # close once `out` is sent
        self.loop.add_reader(self.fd, self._readable)

    def _readable(self) -> None:
        try:
            data = self.sock.recv(4096)  # a viewer sends nothing after its request: this is its end
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.close()

    def _write(self, data: bytes) -> None:
        if self.out:
            self.out += data
            return
        try:
            sent = self.sock.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self.close()
            return
        if sent < len(data):
            self.out += memoryview(data)[sent:]
            self.loop.add_writer(self.fd, self._writable)

    def _writable(self) -> None:
        try:
            sent = self.sock.send(self.out)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.close()
            return
        del self.out[:sent]
        if not self.out:
            self.loop.remove_writer(self.fd)
            self._wake()
            if self.ending:
                self.close()

    def _wake(self) -> None:
        if self.drained is not None and not self.drained.done():
            self.drained.set_result(None)
        self.drained = None

    def push(self, body: bytes) -> bool:
        """Live frames, as one chunk, now; False: gone, or too far behind (the viewer is cut off)."""
        if self.lost.is_set():
            return False
        self._write(b"%x\r\n%s\r\n" % (len(body), body))
        return len(self.out) <= MAX_HELD

    def close(self) -> None:
        if self.lost.is_set():
            return
        self.lost.set()
        self.loop.remove_reader(self.fd)
        self.loop.remove_writer(self.fd)
        self.sock.close()
        self._wake()

    def end(self) -> None:
        """Close after what is waiting has gone (STOP_WAIT s at most)."""
        if not self.out:
            self.close()
            return
        self.ending = True
        self.loop.call_later(STOP_WAIT, self.close)

    async def receive(self) -> dict:
        await self.lost.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        if self.lost.is_set():
            raise ConnectionResetError("the viewer is gone")
        if message["type"] == "http.response.start":
            self._write(self._head(message["status"], message.get("headers", [])))
        else:
            body, more = message.get("body", b""), message.get("more_body", False)
            if self.chunked:
                self._write((b"%x\r\n%s\r\n" % (len(body), body) if body else b"") + (b"" if more else b"0\r\n\r\n"))
            elif body:
                self._write(body)
            if not more:
                self.end()
        if self.out and not self.lost.is_set():
            self.drained = self.drained or self.loop.create_future()
            await self.drained
        if self.lost.is_set() and not self.ending:
            raise ConnectionResetError("the viewer is gone")

    def _head(self, status: int, headers: list[tuple[bytes, bytes]]) -> bytes:
        names = {name for name, _ in self.extra}
        kept = [(k, v) for k, v in headers if k.lower() not in names]
        self.chunked = not any(k.lower() == b"content-length" for k, _ in kept)
        framing = [(b"transfer-encoding", b"chunked")] if self.chunked else []
        lines = [b"HTTP/1.1 %d %s" % (status, http.HTTPStatus(status).phrase.encode())]
        lines.append(time.strftime("date: %a, %d %b %Y %H:%M:%S GMT", time.gmtime()).encode())  # as uvicorn
        lines += [k + b": " + v for k, v in [*kept, *self.extra, *framing, (b"connection", b"close")]]
        return b"\r\n".join(lines) + b"\r\n\r\n"


class Worker:
    """The feed (rows in order, resynced from the database on a gap) and the viewers handed over."""

    def __init__(self, feed: socket.socket, control: socket.socket, reader: Reader):
        self.feed, self.control, self.reader = feed, control, reader
        self.hub = Hub(reader, UNLIMITED, paced=False)
        self.last = self.hub.published = reader.read_sync(changelog.head)[0]  # what came before any viewer
        self.queue: collections.deque[dict] = collections.deque()
        self.wake = asyncio.Event()
        self.stopped = asyncio.Event()
        self.extra: list[tuple[bytes, bytes]] = []
        self.serving: set[asyncio.Task] = set()
        self.ended = 0
        self.report_due = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.hub.start(loop)
        for sock in (self.feed, self.control):
            sock.setblocking(False)
        loop.add_reader(self.feed.fileno(), self._feed_readable)
        loop.add_reader(self.control.fileno(), self._control_readable)
        loop.add_signal_handler(signal.SIGTERM, self.stopped.set)

    def _feed_readable(self) -> None:
        while True:
            try:
                data = self.feed.recv(1 << 21)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                data = b""
            if not data:
                self.stopped.set()  # the server is gone
                break
            self.queue.append(msgspec.msgpack.decode(data))
        self.wake.set()

    async def follow(self) -> None:
        """Publish the feed in seq order; a gap (a dropped message) or a batch without rows reads the database."""
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.queue:
                message = self.queue.popleft()
                if message["head"] <= self.last:
                    continue
                rows = message["rows"]
                if rows is None or message["after"] > self.last:
                    rows = await self.reader.read(self._missed)
                rows = [row for row in rows if row[0] > self.last]
                if rows:
                    self.last = rows[-1][0]
                    self.hub.deliver(rows)

    def _missed(self, conn: sqlite3.Connection) -> list[tuple]:
        """The rows after the last one published, from the database (a dropped feed message, a large batch)."""
        return [tuple(row)[:4] for row in changelog.rows_after(conn, self.last, limit=100_000)]

    def _control_readable(self) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 1 << 16, 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data, fds = b"", []
            if not data:
                self.stopped.set()
                return
            meta = json.loads(data)
            if "headers" in meta:  # the server's hello: its security headers and this worker's number
                self.extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in meta["headers"]]
                self.extra.append((b"x-live-worker", str(meta["index"]).encode()))
            for fd in fds:
                task = asyncio.ensure_future(self.serve(fd, meta))
                self.serving.add(task)
                task.add_done_callback(self.serving.discard)

    async def serve(self, fd: int, meta: dict) -> None:
        """One viewer, on the connection the server handed over, until it goes or the worker stops."""
        conn: Connection | None = None
        try:
            sock = socket.socket(fileno=fd)
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a frame goes out at once
            conn = Connection(sock, self.extra)
            last_id = meta.get("last_event_id")
            headers = [] if last_id is None else [(b"last-event-id", last_id.encode("latin-1"))]
            query = meta["query"].encode("latin-1")
            scope = {"type": "http", "method": "GET", "query_string": query, "headers": headers}
            await stream(self.hub, scope, conn.receive, conn.send, self.hub.state_frame, conn.push)
        except OSError:
            pass
        finally:
            if conn is not None:
                conn.end()
            self.ended += 1
            self.report()

    def report(self) -> None:
        """The running total of ended streams to the server (a dropped one is sent again shortly)."""
        try:
            self.control.send(str(self.ended).encode(), socket.MSG_DONTWAIT)
            self.report_due = False
        except (BlockingIOError, InterruptedError):
            if not self.report_due:
                self.report_due = True
                asyncio.get_running_loop().call_later(0.1, self.report)
        except OSError:
            self.stopped.set()

    async def run(self) -> None:
        self.start(asyncio.get_running_loop())
        follower = asyncio.ensure_future(self.follow())
        self.report()  # ready: the server hands viewers over from now on
        await self.stopped.wait()
        self.hub.close()  # every stream sends its last chunk and ends
        if self.serving:
            await asyncio.wait(set(self.serving), timeout=STOP_WAIT)
        follower.cancel()


def main(argv: list[str]) -> int:
    feed_fd, control_fd, database, level = int(argv[0]), int(argv[1]), Path(argv[2]), argv[3]
    with contextlib.suppress(OSError):  # lowering one's own priority: the systemd unit's filter allows it
        os.nice(NICE)
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    feed = socket.socket(fileno=feed_fd)
    control = socket.socket(fileno=control_fd)
    gc.collect()
    gc.freeze()  # its start-up objects are never garbage: a full collection mid-fan-out scans only the rest
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Worker(feed, control, Reader(database)).run())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
