"""What `floorcraft serve` does before its web server runs: a calm log, the port bound first, the box introduced.

The port is bound (and listening) before the database is opened, before any QR code is made and before mDNS
announces anything: a port in use is one line naming FLOORCRAFT_PORT and exit status 2, with nothing announced
or written. uvicorn then serves on that very socket. The log is calm at `info`: no line per request (uvicorn's
access log only at `debug`) and no line per request of our own HTTP client (the simulated judges).
"""

from __future__ import annotations

import errno
import logging
import socket
import sys

from appliance import __version__
from appliance.cli.terminal import said, tell
from appliance.i18n import _
from appliance.model.devices import Enrolment
from appliance.settings import Settings
from appliance.trust import tls
from appliance.trust.hosts import forwarded

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CLIENT_LOGGERS = ("httpx", "httpcore")  # our own client (simulated judges, cloud sync): one line per request
BACKLOG = 2048  # uvicorn's default


class PortError(RuntimeError):
    """The web server cannot listen where the settings say (in use, not allowed, not this machine's address)."""


def configure_logging(settings: Settings) -> None:
    """One format for every logger (uvicorn's too, see uvicorn_logging), our HTTP client's requests not logged."""
    logging.basicConfig(level=settings.log_level.upper(), format=FORMAT)
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def uvicorn_logging(settings: Settings) -> dict:
    """uvicorn.Config's logging options: its records go to our handler; the access log only at debug."""
    return {"log_config": None, "log_level": settings.log_level, "access_log": settings.log_level == "debug"}


def uvicorn_options(settings: Settings) -> dict:
    """What `serve` and `cloud` give uvicorn alike (beside `loop="uvloop"`, named at each call, where the dependency
    check reads it): the graceful stop, the log, proxy trust and TLS."""
    return {
        "timeout_graceful_shutdown": settings.stop_timeout,
        **uvicorn_logging(settings),
        **forwarded(settings),
        **tls.uvicorn_options(settings),
    }


LISTEN_ERRORS = (tls.TLSError, PortError)


def listen(settings: Settings) -> socket.socket:
    """First, before a database, a QR code or mDNS: the certificate checked and the port bound (LISTEN_ERRORS say
    in plain words why not)."""
    tls.check(settings)
    return bind(settings)


def bind(settings: Settings) -> socket.socket:
    """The listening socket on FLOORCRAFT_HOST:FLOORCRAFT_PORT, or PortError saying in plain words why not."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a stop may bind at once
        sock.bind((settings.host, settings.port))
        sock.listen(BACKLOG)
    except OSError as exc:
        sock.close()
        raise PortError(_why(settings, exc)) from None
    return sock


def _why(settings: Settings, exc: OSError) -> str:
    where = f"{settings.host}:{settings.port}"
    if exc.errno == errno.EADDRINUSE:
        return _(
            "port {port} is already in use on {host} (another server?): stop it, or set FLOORCRAFT_PORT to a free port",
            port=settings.port,
            host=settings.host,
        )
    if exc.errno == errno.EACCES:
        return _(
            "not allowed to listen on {where} (ports below 1024 need privileges): set FLOORCRAFT_PORT", where=where
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return _(
            "{host} is not an address of this machine: set FLOORCRAFT_HOST (or FLOORCRAFT_PORT)", host=settings.host
        )
    why = exc.strerror or str(exc)
    return _("cannot listen on {where}: {reason} (FLOORCRAFT_HOST, FLOORCRAFT_PORT)", where=where, reason=why)


def print_enrolment(made: Enrolment, title: str) -> None:
    """The QR code in the terminal, with its URL and expiry (the secret is in the URL fragment)."""
    from appliance import qr  # loaded when a QR code is printed: the box's idle memory
    from appliance.trust.scope import ROLES

    role = ROLES.get(made.role, made.role)
    who = _("{role} {judge}", role=role, judge=made.judge) if made.judge else role
    until = f"{made.expires_at:%H:%M:%S}"
    print(flush=True)
    tell(_("{title} ({who}, valid until {until} box time):", title=title, who=who, until=until), flush=True)
    qr.print_terminal(made.url, out=sys.stdout)
    print(f"{made.url}\n", flush=True)


NEW_SCRUTINEER = _(
    "This box has its scrutineer. Another scrutineer's QR code: the desk's Devices page on an enrolled "
    "scrutineer's tablet, or on the box with the server stopped (systemctl stop floorcraft): "
    "floorcraft enrol --role scrutineer"
)


def introduce(settings: Settings, first: Enrolment | None) -> None:
    """The terminal (and the journal): where the pages are, and how the scrutineer's device gets in."""
    base = settings.base_url
    database = str(settings.database_path)
    tell(
        _("Floorcraft {version} on {url}  (database {path})", version=__version__, url=base, path=database), flush=True
    )
    for page, who in (
        ("/desk/", _("the desk (scrutineer, chair)")),
        ("/display/", _("the hall display")),
        ("/results/", _("the results (phones)")),
        ("/", _("what this box is, how to join")),
    ):
        print(f"  {said(who):<32} {base}{page}", flush=True)
    if first is not None:
        print_enrolment(first, _("Nobody owns this box yet. Scan to enrol the scrutineer's device"))
        tell(_("(The box's own screen, /display/ opened on the box, shows one too.)\n"), flush=True)
    else:
        print(f"\n{said(NEW_SCRUTINEER)}\n", flush=True)


def settle() -> None:
    """Once the server is built: its start-up objects (the framework's routes, models, modules: ~60,000) go to
    the collector's permanent generation, so a full collection while judges wait scans only what came after
    (15-20 ms each here before; Python's gc.freeze)."""
    import gc

    gc.collect()
    gc.freeze()
