"""mDNS: the box advertises `_http._tcp` and `_floorcraft._tcp` with python-zeroconf on chosen interfaces.

On development and CI machines the interfaces are loopback (FLOORCRAFT_MDNS_INTERFACES=127.0.0.1),
so no multicast ever leaves the machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets

import ifaddr
from zeroconf import IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from appliance import __version__
from appliance.settings import Settings

log = logging.getLogger(__name__)
SERVICE_TYPES = ("_floorcraft._tcp.local.", "_http._tcp.local.")


POLL = 5.0  # seconds between looks at the network interfaces


def interface_addresses(settings: Settings) -> list[str]:
    """The IPv4 addresses to advertise on: the configured ones, or with "all" every non-loopback one."""
    if tuple(settings.mdns_interfaces) != ("all",):
        return [a for a in settings.mdns_interfaces if _is_ip(a)]
    found = sorted(
        {
            ip.ip
            for adapter in ifaddr.get_adapters()
            for ip in adapter.ips
            if isinstance(ip.ip, str) and not ip.ip.startswith("127.")
        }
    )
    return found or ["127.0.0.1"]


def service_infos(settings: Settings, competition: str, suffix: str, addresses: list[str]) -> list[ServiceInfo]:
    """One ServiceInfo per service type, named after the competition with a unique suffix."""
    packed = [ipaddress.ip_address(a).packed for a in addresses]
    label = f"{(competition or settings.mdns_name)[:50].strip()} {suffix}"
    properties = {
        "version": __version__,
        "api": "/api",
        "competition": competition[:100],
        "path": "/",
        "scheme": "https" if settings.tls else "http",
    }
    host = f"floorcraft-{suffix}.local."
    return [
        ServiceInfo(kind, f"{label}.{kind}", port=settings.port, properties=properties, server=host, addresses=packed)
        for kind in SERVICE_TYPES
    ]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


class Advertiser:
    """Registers the services at start-up, again whenever the interfaces' addresses change, withdraws at shutdown."""

    def __init__(self, settings: Settings, competition: str):
        self.settings = settings
        self.competition = competition
        self.suffix = secrets.token_hex(2)
        self.zeroconf: AsyncZeroconf | None = None
        self.infos: list[ServiceInfo] = []
        self.addresses: list[str] = []
        self._watcher: asyncio.Task | None = None

    async def start(self) -> None:
        await self._announce(interface_addresses(self.settings))
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _announce(self, addresses: list[str]) -> None:
        await self._withdraw()
        self.addresses = addresses
        self.zeroconf = AsyncZeroconf(interfaces=addresses, ip_version=IPVersion.V4Only)
        self.infos = service_infos(self.settings, self.competition, self.suffix, addresses)
        for info in self.infos:
            await self.zeroconf.async_register_service(info, allow_name_change=True)
        log.info("mDNS: advertising %s on %s", ", ".join(i.name for i in self.infos), ", ".join(addresses))

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL)
            now = interface_addresses(self.settings)
            if now != self.addresses:
                log.info("mDNS: interfaces changed (%s -> %s): announcing again", self.addresses, now)
                try:
                    await self._announce(now)
                except OSError as exc:
                    log.warning("mDNS: cannot announce on %s: %s", now, exc)

    async def _withdraw(self) -> None:
        if self.zeroconf is None:
            return
        await self.zeroconf.async_unregister_all_services()
        await self.zeroconf.async_close()
        self.zeroconf = None

    async def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()
        await self._withdraw()
