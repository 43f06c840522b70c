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
    """The watchdog loop: ping while healthy, stay silent while not."""
    period = interval()
    if period is None:
        return
    while True:
        if await healthy(store, period):
            notify("WATCHDOG=1")
        else:
            log.warning("database blocked: withholding the watchdog ping")
        await asyncio.sleep(period)
