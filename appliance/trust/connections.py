"""Connection guard: the audience's connections can never starve the officials' (issue 9, point 2).

Every connection is one file descriptor. At the systemd default `ulimit -n 1024`, a thousand idle sockets,
slowloris requests or live streams would use them all, and uvicorn (httptools) would then drop every new
connection, the judges' too. So:

- at start-up the soft RLIMIT_NOFILE is raised to the hard limit (the unit sets LimitNOFILE=65536);
- the number of open connections is capped below that limit, keeping FD_RESERVE descriptors for the database,
  the listening sockets, mDNS and logs (FLOORCRAFT_MAX_CONNECTIONS, default: the limit minus the reserve);
- live viewers are capped lower still (FLOORCRAFT_LIVE_MAX_VIEWERS, see live.py), so that the connections
  above the viewers' cap stay free for officials;
- when a new connection would pass the cap, the OLDEST connection with no request in progress is closed
  ("shed"): idle keep-alive, nothing sent yet, headers unfinished, or an unsigned body still trickling.
  A request being answered (a judge's sheet waiting for its commit) and a live stream are never shed; idle
  connections that carried a signed request (X-Device) go after the audience's, and a signed request whose
  body is still arriving only when nothing else can go. New connections are always taken, so a judge's
  tablet gets in even when the audience holds every slot;
- a request must finish its headers within FLOORCRAFT_HEADER_TIMEOUT seconds of its first byte (or of the
  connection's opening) and its body within FLOORCRAFT_BODY_TIMEOUT; idle keep-alive ends after KEEP_ALIVE;
- a request's line and headers may take MAX_HEADER_BYTES at most (httptools buffers them with no limit of its
  own: ten connections of 20 MB headers took 230 MB): past it the answer is 431 and the connection is closed;
- a request httptools cannot parse gets the one error shape with the security headers (uvicorn's own answer
  is text/plain without them).

`GuardedProtocol` is a small subclass of uvicorn's HttpToolsProtocol (passed as `http=` to uvicorn.Config);
`guarded_protocol(limits)` binds it to one shared Registry. Every limit that is hit is logged as a warning,
at most once per LOG_EVERY seconds per kind, with the count of the others.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Iterable
from typing import Any

import msgspec
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from appliance.i18n import SOURCE, _, translate
from appliance.settings import Settings
from appliance.trust.browser import security_headers

log = logging.getLogger(__name__)
FD_RESERVE = 100  # descriptors kept for SQLite (writer, readers, WAL), the listening sockets, mDNS, logs
OFFICIALS_SHARE = 4  # a quarter of the connections (at least OFFICIALS_MIN) is never given to live viewers
OFFICIALS_MIN = 64
VIEWERS_DEFAULT_MAX = 4000  # what a Raspberry Pi serves well (bench/load.py); FLOORCRAFT_LIVE_MAX_VIEWERS raises it
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
LOG_EVERY = 30.0  # seconds between two warnings of one kind
MAX_HEADER_BYTES = 64 * 1024  # a request's line and headers (a signed request needs under 1 KiB)


class Limits(msgspec.Struct, frozen=True):
    fd_limit: int
    max_connections: int
    max_viewers: int
    header_timeout: float
    body_timeout: float


def fd_limit() -> int:
    """The process's soft open-file limit now."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def raise_fd_limit() -> int:
    """Raise the soft open-file limit to the hard one (no privilege needed); answer the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as exc:  # e.g. an unlimited hard limit the kernel caps lower
            log.warning("cannot raise the open-file limit from %d to the hard limit: %s", soft, exc)
    return fd_limit()


def limits_for(settings: Settings, files: int | None = None) -> Limits:
    """The caps for an open-file limit (default: the process's): settings win, within what the limit allows."""
    files = fd_limit() if files is None else files
    room = max(files - FD_RESERVE, 16)
    connections = min(settings.max_connections, room) if settings.max_connections else room
    viewers = settings.live_max_viewers or max(
        1, min(VIEWERS_DEFAULT_MAX, connections - max(OFFICIALS_MIN, connections // OFFICIALS_SHARE))
    )
    return Limits(files, connections, viewers, settings.header_timeout, settings.body_timeout)


class Warnings:
    """Warnings that cannot flood the log: one per kind per LOG_EVERY seconds, then how many were held back."""

    def __init__(self, every: float = LOG_EVERY, clock=time.monotonic):
        self.every, self.clock = every, clock
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def warn(self, kind: str, message: str, *args: Any) -> None:
        now = self.clock()
        if kind in self.last and now - self.last[kind] < self.every:
            self.held[kind] = self.held.get(kind, 0) + 1
            return
        held = self.held.pop(kind, 0)
        self.last[kind] = now
        suffix = f" ({held} more since the last warning)" if held else ""
        log.warning(message + suffix, *args)


WARNINGS = Warnings()


class Registry:
    """Every open connection of one server, oldest first, and the cap on how many may be open."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.open: dict[GuardedProtocol, None] = {}  # insertion order: oldest first

    def add(self, conn: GuardedProtocol) -> None:
        self.open[conn] = None
        if len(self.open) > self.limits.max_connections:
            self.shed(conn)

    def discard(self, conn: GuardedProtocol) -> None:
        self.open.pop(conn, None)

    def shed(self, newcomer: GuardedProtocol) -> None:
        """Close the oldest connection of the lowest shed rank (see GuardedProtocol.shed_rank)."""
        fallback, lowest = None, 4
        for conn in self.open:
            rank = conn.shed_rank() if conn is not newcomer else 0
            if rank and rank < lowest:
                fallback, lowest = conn, rank
                if rank == 1:
                    break
        if fallback is None:
            WARNINGS.warn(
                "over",
                "%d connections open, over the cap of %d, and none can be shed (all busy)",
                len(self.open),
                self.limits.max_connections,
            )
            return
        WARNINGS.warn(
            "shed",
            "connection cap of %d reached (open-file limit %d): shed the oldest idle or unfinished connection",
            self.limits.max_connections,
            self.limits.fd_limit,
        )
        self.discard(fallback)
        fallback.transport.close()


def _header_part(tail: bytes, data: bytes) -> int:
    """How many bytes of `data` belong to the request's line and headers (up to and with the blank line that ends
    them; `tail` is the end of the previous read, so that a blank line split across two reads is found)."""
    end = (tail + data).find(b"\r\n\r\n")
    return len(data) if end < 0 else max(0, end + 4 - len(tail))


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with header and body timeouts, in a Registry that sheds idle connections."""

    registry: Registry  # set by guarded_protocol()
    extra_headers: tuple[tuple[bytes, bytes], ...] = ()  # the security headers, on the answers sent from here

    def connection_made(self, transport) -> None:
        super().connection_made(transport)
        self.official = False  # has carried a signed request
        self.signed = False  # the current request is signed
        self.in_headers = True  # the next bytes are a request's line and headers
        self.header_bytes = 0  # bytes of them received so far
        self.header_tail = b""  # the last bytes read while in the headers (their end may span two reads)
        self.deadline: asyncio.TimerHandle | None = None
        self._arm(self.registry.limits.header_timeout, "sent no complete request headers")
        self.registry.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.registry.discard(self)
        self._disarm()
        super().connection_lost(exc)

    def shed_rank(self) -> int:
        """0: never shed (a request being answered, a live stream). Else the lower, the sooner: 1 the audience's
        idle connections, unfinished headers and unsigned bodies still arriving; 2 idle connections that carried
        a signed request; 3 a signed request whose body is still arriving (a tablet's arrives in one packet:
        only a forged X-Device trickles, and it is shed only when nothing else can be)."""
        cycle = self.cycle
        if cycle is None or cycle.response_complete:
            return 2 if self.official else 1
        if cycle.more_body:
            return 3 if self.signed else 1
        return 0

    def shutdown(self) -> None:
        """Graceful stop: an unsigned request whose body is still arriving (a slowloris) is closed now; uvicorn
        would wait for it until the stop timeout, then cancel it with a traceback in the log for each one."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete and cycle.more_body and not self.signed:
            self.transport.close()
            return
        super().shutdown()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.deadline is None:
            self._arm(self.registry.limits.header_timeout, "did not finish its request headers")

    def data_received(self, data: bytes) -> None:
        if self.in_headers:
            # counted before httptools parses: a whole oversized header block in one read must not get through
            self.header_bytes += _header_part(self.header_tail, data)
            self.header_tail = data[-3:]
            if self._headers_too_large():
                return
        super().data_received(data)
        if self.in_headers:
            self._headers_too_large()

    def _headers_too_large(self) -> bool:
        if self.header_bytes <= MAX_HEADER_BYTES or self.transport.is_closing():
            return False
        WARNINGS.warn("headers", "a request's headers passed %d bytes: answered 431", MAX_HEADER_BYTES)
        self._refuse(431, "too_large", _("the request's headers are over {n} KiB", n=MAX_HEADER_BYTES // 1024))
        return True

    def send_400_response(self, msg: str) -> None:
        """httptools could not parse the request: the one error shape, with the security headers."""
        self._refuse(400, "bad_request", _("the request is not valid HTTP/1.1"))

    def _refuse(self, status: int, code: str, message: str) -> None:
        """Said in English: the headers that would name the reader's language are what could not be read."""
        said = translate(message, SOURCE)
        body = msgspec.json.encode({"error": {"status": status, "code": code, "message": said, "field": None}})
        reason = {400: b"Bad Request", 431: b"Request Header Fields Too Large"}[status]
        head = [
            b"HTTP/1.1 %d %s" % (status, reason),
            b"content-type: application/json",
            b"content-length: %d" % len(body),
            b"connection: close",
            *(name + b": " + value for name, value in self.extra_headers),
        ]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()

    def on_headers_complete(self) -> None:
        self.in_headers, self.header_bytes, self.header_tail = False, 0, b""
        self.signed = any(name == b"x-device" for name, _ in self.headers)
        self.official = self.official or self.signed
        # the live stream may hand the connection on to a fan-out worker (appliance/live/fanout.py)
        self.scope["floorcraft.transport"] = self.transport  # type: ignore[typeddict-unknown-key]
        self._disarm()
        self._arm(self.registry.limits.body_timeout, "did not finish its request body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        self.in_headers, self.header_bytes, self.header_tail = True, 0, b""
        super().on_message_complete()

    def _unsupported_upgrade_warning(self) -> None:
        """The box serves no WebSocket (uvicorn runs with ws="none"): say so without flooding the log."""
        WARNINGS.warn("upgrade", "a request asked to upgrade the connection (e.g. WebSocket): answered as plain HTTP")

    def _arm(self, seconds: float, why: str) -> None:
        self.deadline = self.loop.call_later(seconds, self._timed_out, seconds, why)

    def _disarm(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _timed_out(self, seconds: float, why: str) -> None:
        self.deadline = None
        if not self.transport.is_closing():
            WARNINGS.warn(
                "timeout",
                "a connection from %s timed out: it %s within %g s",
                self.client and self.client[0],
                why,
                seconds,
            )
            self.transport.close()


def guarded_protocol(limits: Limits, headers: Iterable[tuple[bytes, bytes]] = ()) -> type[GuardedProtocol]:
    """A GuardedProtocol class bound to a new Registry with these limits (one per server)."""
    return type("GuardedProtocol", (GuardedProtocol,), {"registry": Registry(limits), "extra_headers": tuple(headers)})


def guarded(settings: Settings) -> type[GuardedProtocol]:
    """At server start: raise the open-file limit, log the caps it allows, and the protocol class to serve with."""
    limits = limits_for(settings, raise_fd_limit())
    level = logging.WARNING if limits.fd_limit < 4096 else logging.INFO
    log.log(
        level,
        "open-file limit %d%s: at most %d connections, %d of them live viewers",
        limits.fd_limit,
        " (low: raise LimitNOFILE)" if level == logging.WARNING else "",
        limits.max_connections,
        limits.max_viewers,
    )
    return guarded_protocol(limits, security_headers(settings.web_path, settings.tls))
