"""systemd integration: READY=1 once the server answers, and watchdog pings only while the database is healthy.

Speaks the sd_notify datagram protocol directly (no dependency). When the database is blocked (a write cannot
start), the pings stop and systemd restarts the service after WatchdogSec.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket

from appliance.db.store import Store

log = logging.getLogger(__name__)


def notify(message: str, environ: dict | None = None) -> bool:
    """Send one sd_notify message; False when not run by systemd (no NOTIFY_SOCKET)."""
    address = (environ or os.environ).get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.sendall(message.encode())
    return True


def interval(environ: dict | None = None) -> float | None:
    """Half the watchdog period systemd asked for, in seconds (None: no watchdog)."""
    text = (environ or os.environ).get("WATCHDOG_USEC", "")
    return int(text) / 2_000_000 if text.isdigit() and int(text) > 0 else None


async def healthy(store: Store, timeout: float) -> bool:
    """The database takes a write (an empty IMMEDIATE transaction) within `timeout`."""
    try:
        await asyncio.wait_for(store.write(lambda conn: None), timeout)
        return True
    except Exception:  # timeout, locked, disk error: not healthy
        return False


async def watch(store: Store) -> None:
    """The watchdog loop: ping while healthy, stay silent while not.

    One probe every `period` (half of WatchdogSec) on a fixed cadence: the time a probe waits for the writer
    (e.g. behind a step of a long import) is not added to the sleep, so a healthy box never leaves a gap of
    WatchdogSec between two pings.
    """
    period = interval()
    if period is None:
        return
    loop = asyncio.get_running_loop()
    due = loop.time()
    while True:
        due += period
        if await healthy(store, period * 0.8):
            notify("WATCHDOG=1")
        else:
            log.warning("database blocked: withholding the watchdog ping")
        due = max(due, loop.time())  # after a long stall, start the cadence again from now
        await asyncio.sleep(due - loop.time())
