"""Live results on every core: the server hands its viewers' connections to fan-out worker processes.

The server process takes the sheets (HTTP, signatures, the SQLite writer). With FLOORCRAFT_LIVE_WORKERS = N > 0
it starts N worker processes (`appliance.live.worker` by LAUNCH, see there) and, for each worker, two Unix
SOCK_SEQPACKET socket pairs (message boundaries kept, nothing to parse):

- the feed: right after each commit, on the writer thread, the commit's change-log rows go to every worker as one
  msgpack message {after, head, rows}, sent with MSG_DONTWAIT. The writer never waits for a worker: a full socket
  buffer (a slow worker) or a batch too large for one message drops the message, and the worker, seeing that
  `after` is not the last seq it published, reads the missing rows from the database itself (drop and resync).
  A worker that was dropped is nudged every NUDGE seconds until a message gets through, so it catches up even
  if nothing more is committed;
- the control socket: a viewer's connection goes from the server to a worker. `GET /api/live` is admitted here
  (HEAD, 405, a bad floor, the viewers' cap, the Host check and the rate limit stay in the server), then the
  connection's file descriptor itself is passed (SCM_RIGHTS) with the query string and Last-Event-ID, and the
  server closes its own descriptor without writing a byte: the worker answers on the same TCP connection.
  The client sees one origin and one port, and /api/live is served exactly as before. Each worker sends back
  how many streams it has ended (a running total), so the server knows how many viewers are open everywhere
  (the viewers' cap counts them all); a new viewer goes to the worker with the fewest.

The workers run while there are viewers: none at start (an idle box is the server alone), all N from the first
viewer on (it waits, START_WAIT at most, until they are ready), and they stop once no viewer has been connected
for FLOORCRAFT_LIVE_WORKERS_IDLE seconds (the next viewer starts them again).

The supervisor task restarts a worker that died (its viewers' connections closed with it; their pages reconnect
within 2 s with Last-Event-ID and are handed to a live worker, which reads what they missed from the database).
Until a worker is up again, or if none can take a viewer, the server serves the stream itself
(appliance/live/stream.py).
With N = 0 the server serves every stream itself, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import socket
import sqlite3
import subprocess  # nosec B404 - starts our own worker module with our own interpreter
import sys
import time
from collections.abc import Mapping
from typing import Any

import msgspec

from appliance.db.store import Store
from appliance.settings import Settings

log = logging.getLogger(__name__)
FEED_BUFFER = 4 << 20  # bytes of feed messages a worker may have unread before messages are dropped
MAX_MESSAGE = 1 << 20  # a larger batch goes without its rows: the worker reads them from the database
NUDGE = 0.2  # seconds between two attempts to reach a worker whose feed message was dropped
SUPERVISE = 0.2  # seconds between two looks at the workers' processes
RESTART_WAIT = 1.0  # seconds at least between two starts of one worker (a worker that cannot start)
START_WAIT = 5.0  # seconds the first viewer waits for the workers it woke to be ready (else it is served here)
HANDOFF_WAIT, HANDOFF_TRIES = 0.01, 100  # a viewer waits up to 1 s for a worker's full queue before it is served here
# A worker never speaks TLS (with TLS the server fans out itself, see attach) and hashes nothing it must trust, so
# it runs without OpenSSL (ssl; _hashlib: hashlib's own SHA-256 serves): about 9 MB less per worker
LAUNCH = (
    "import sys; sys.modules['ssl'] = sys.modules['_hashlib'] = None; "
    "from appliance.live.worker import main; sys.exit(main(sys.argv[1:]))"
)


class Link:
    """One worker process and its sockets; `handed` and `ended` count its viewers (opened, closed)."""

    def __init__(self, index: int):
        self.index = index
        self.proc: subprocess.Popen | None = None
        self.feed: socket.socket | None = None
        self.control: socket.socket | None = None
        self.handed = self.ended = 0
        self.behind = False
        self.ready = False  # it has said so: until then the server serves new viewers itself
        self.started = 0.0

    @property
    def viewers(self) -> int:
        return self.handed - self.ended if self.alive else 0

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None and self.control is not None


class Fanout:
    """The server's side of the fan-out workers: start, feed, hand viewers over, restart, stop."""

    def __init__(
        self, store: Store, workers: int, extra_headers: list[tuple[bytes, bytes]], log_level: str, idle: float = 600
    ):
        self.store, self.headers, self.log_level = store, extra_headers, log_level
        self.links = [Link(i) for i in range(workers)]
        self.head = store.last_seq
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task | None = None
        self.closing = False
        self.awake = False  # the workers are wanted: started by the first viewer, stopped after `idle` s without one
        self.idle, self.active = idle, time.monotonic()  # the last moment a viewer was connected or arrived
        self.retired: list[subprocess.Popen] = []  # workers stopped for want of viewers, reaped once they end
        self.readied: asyncio.Event | None = None  # set when a worker says it is ready
        self.waiting = 0  # admitted viewers not yet with a worker (the workers they woke start, or queues are full)
        self.stopping = lambda: self.closing  # attach(): also once the server's graceful stop has begun
        store.on_commit(self._committed)

    def viewers(self) -> int:
        """Every viewer the workers serve or are about to: those waiting count against the cap too (a crowd
        arriving at a box whose workers are asleep is admitted while they start)."""
        return self.waiting + sum(link.viewers for link in self.links)

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.readied = asyncio.Event()
        self.task = self.loop.create_task(self._supervise())

    async def _wake(self) -> None:
        """The first viewer since the box started or the workers retired: start them all, wait until they are ready."""
        if not self.awake:
            self.awake = True
            log.info("live fan-out: the first viewer starts %d workers", len(self.links))
            for link in self.links:
                if link.proc is None:
                    self._spawn(link)
        if self.readied is None or all(link.ready for link in self.links if link.alive):
            return
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(START_WAIT):
                while not all(link.ready for link in self.links if link.alive) and not self.closing:
                    self.readied.clear()
                    await self.readied.wait()

    def _retire(self) -> None:
        """No viewer for `idle` seconds: every worker is stopped (SIGTERM), to be started again by the next viewer."""
        log.info("live fan-out: no viewer for %g s: the workers stop until the next one", self.idle)
        self.awake = False
        for link in self.links:
            if link.proc is not None:
                with contextlib.suppress(ProcessLookupError):
                    link.proc.send_signal(signal.SIGTERM)
                self.retired.append(link.proc)
            link.proc, link.ready = None, False
            self._drop(link)

    def _spawn(self, link: Link) -> None:
        """A new worker process with fresh sockets; its feed is attached before it reads the database's head."""
        self._drop(link)
        feed, feed_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        control, control_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        feed.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, FEED_BUFFER)
        for sock in (feed, control):
            sock.setblocking(False)
        fds = (feed_child.fileno(), control_child.fileno())
        args = [sys.executable, "-c", LAUNCH, *map(str, fds), str(self.store.path), self.log_level]
        link.started = time.monotonic()
        try:
            link.proc = subprocess.Popen(args, pass_fds=fds)  # noqa: S603 - our own interpreter and module  # nosec B603
        except OSError as exc:
            log.warning("cannot start live fan-out worker %d: %s", link.index, exc)
            feed.close()
            control.close()
            return
        finally:
            feed_child.close()
            control_child.close()
        log.info("live fan-out worker %d started (pid %d)", link.index, link.proc.pid)
        hello = {"headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in self.headers]}
        control.send(json.dumps(hello | {"index": link.index}).encode())
        link.feed, link.control, link.handed, link.ended, link.behind, link.ready = feed, control, 0, 0, False, False
        asyncio.get_running_loop().add_reader(control.fileno(), self._report, link)

    def _drop(self, link: Link) -> None:
        if link.control is not None and self.loop is not None:
            self.loop.remove_reader(link.control.fileno())
        for sock in (link.feed, link.control):
            if sock is not None:
                sock.close()
        link.feed = link.control = None

    def _report(self, link: Link) -> None:
        """A worker's running total of ended streams (its first message, 0, says it is ready)."""
        while link.control is not None:
            try:
                data = link.control.recv(256)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                data = b""
            if not data:  # the worker is gone: the supervisor restarts it
                self._drop(link)
                return
            with contextlib.suppress(ValueError):
                link.ended = max(link.ended, int(data))
                log.debug("live fan-out worker %d: %d of its %d streams ended", link.index, link.ended, link.handed)
            if not link.ready and link.proc is not None:
                link.ready = True
                log.info("live fan-out worker %d ready (pid %d)", link.index, link.proc.pid)
                if self.readied is not None:
                    self.readied.set()

    def _committed(self, rows: list[sqlite3.Row]) -> None:
        """On the writer thread after each commit: the rows to every worker, never waiting for one."""
        after, self.head = self.head, rows[-1][0]
        message = msgspec.msgpack.encode({"after": after, "head": self.head, "rows": [tuple(r)[:4] for r in rows]})
        if len(message) > MAX_MESSAGE:
            message = msgspec.msgpack.encode({"after": after, "head": self.head, "rows": None})
        for link in self.links:
            self._feed(link, message)

    def _feed(self, link: Link, message: bytes) -> None:
        feed = link.feed
        if feed is None:
            return
        try:
            feed.send(message, socket.MSG_DONTWAIT)
        except OSError:  # full (a slow worker), too large, or gone: it resyncs from the database
            link.behind = True

    async def _supervise(self) -> None:
        """Restart dead workers; nudge the ones whose feed dropped a message; stop them all when nobody watches."""
        while not self.closing:
            await asyncio.sleep(SUPERVISE)
            self.retired = [proc for proc in self.retired if proc.poll() is None]
            now = time.monotonic()
            if self.viewers():
                self.active = now
            elif self.awake and now - self.active >= self.idle and not self.stopping():
                self._retire()
            for link in self.links if self.awake else ():
                if not link.alive and not self.stopping():
                    self._restart(link)
                elif link.behind:
                    link.behind = False
                    self._feed(link, msgspec.msgpack.encode({"after": self.head, "head": self.head, "rows": []}))

    def _restart(self, link: Link) -> None:
        """A worker that ended, or closed its socket (then it is killed first), is started again."""
        proc = link.proc
        if proc is not None:
            if proc.poll() is None:
                proc.kill()  # it runs but cannot be reached: no use; it is reaped on the next look
                return
            status = proc.returncode
            log.warning("live fan-out worker %d ended (status %s): restarting it; viewers resume", link.index, status)
            link.proc = None
        if time.monotonic() - link.started >= RESTART_WAIT:
            self._spawn(link)

    async def handoff(self, scope: Mapping[str, Any], receive: Any) -> bool:
        """Pass an admitted viewer's connection to the least busy worker (True), or keep it here (False)."""
        transport = scope.get("floorcraft.transport")
        sock = transport.get_extra_info("socket") if transport is not None else None
        if transport is None or sock is None or self.closing:
            return False
        self.active = time.monotonic()
        self.waiting += 1  # from its admission (no await since) until a worker has it or it is served here
        try:
            passed = await self._hand(scope, sock.fileno())
        finally:
            self.waiting -= 1
        if not passed:
            return False
        transport.pause_reading()
        transport.close()  # our descriptor only: the worker holds the connection now
        with contextlib.suppress(TimeoutError):  # uvicorn sees the disconnect: no answer is due from here
            async with asyncio.timeout(5):
                while (await receive())["type"] != "http.disconnect":
                    pass
        return True

    async def _hand(self, scope: Mapping[str, Any], fd: int) -> bool:
        """Wake the workers if they sleep, then pass the connection to one (True), or give up (False)."""
        await self._wake()
        last_id = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"last-event-id"), None)
        meta = json.dumps({"query": scope.get("query_string", b"").decode("latin-1"), "last_event_id": last_id})
        for _ in range(HANDOFF_TRIES):
            passed = self._pass(meta.encode(), fd)
            if passed is None:  # every worker's queue is full (a crowd arriving at once): in a moment, again
                await asyncio.sleep(HANDOFF_WAIT)
                continue
            return passed
        return False

    def _pass(self, meta: bytes, fd: int) -> bool | None:
        """The connection to the least busy ready worker: True, passed; None, every queue was full; False: none."""
        full = False
        for link in sorted((x for x in self.links if x.alive and x.ready), key=lambda x: x.viewers):
            control = link.control
            if control is None:
                continue
            try:
                socket.send_fds(control, [meta], [fd], socket.MSG_DONTWAIT)
            except BlockingIOError:  # its queue holds net.unix.max_dgram_qlen messages (10 by default)
                full = True
                continue
            except OSError:
                continue
            link.handed += 1
            return True
        return None if full else False

    async def close(self, timeout: float) -> None:
        """Stop every worker (SIGTERM: each ends its streams cleanly), waiting `timeout` s at most, then kill."""
        self.closing = True
        if self.task is not None:
            self.task.cancel()
        procs = [link.proc for link in self.links if link.proc is not None] + self.retired
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in procs:
            while proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
        for link in self.links:
            self._drop(link)


def attach(app: Any, settings: Settings, store: Store) -> Fanout | None:
    """With FLOORCRAFT_LIVE_WORKERS > 0: the app's live stream hands its viewers to that many workers.

    Not with TLS: a connection's encryption lives in this process, so its socket cannot be handed over."""
    if not settings.live_workers or settings.tls:
        return None
    from appliance.trust.browser import security_headers

    hub = app.state["hub"]
    headers = security_headers(settings.web_path)
    fanout = Fanout(store, settings.live_workers, headers, settings.log_level, settings.live_workers_idle)
    hub.elsewhere, hub.handoff = fanout.viewers, fanout.handoff
    fanout.stopping = lambda: fanout.closing or hub.is_closed  # systemd's SIGTERM reached the workers too

    async def stop() -> None:
        await fanout.close(settings.stop_timeout)

    app.on_startup.append(fanout.start)
    app.on_shutdown.insert(0, stop)
    return fanout
