"""mDNS: the box advertises `_http._tcp` and `_floorcraft._tcp` with python-zeroconf on chosen interfaces.

On development and CI machines the interfaces are loopback (FLOORCRAFT_MDNS_INTERFACES=127.0.0.1),
so no multicast ever leaves the machine.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets

from zeroconf import IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from appliance import __version__
from appliance.settings import Settings

log = logging.getLogger(__name__)
SERVICE_TYPES = ("_floorcraft._tcp.local.", "_http._tcp.local.")


def service_infos(settings: Settings, competition: str, suffix: str) -> list[ServiceInfo]:
    """One ServiceInfo per service type, named after the competition with a unique suffix."""
    addresses = [ipaddress.ip_address(a).packed for a in settings.mdns_interfaces if _is_ip(a)]
    label = f"{(competition or settings.mdns_name)[:50].strip()} {suffix}"
    properties = {"version": __version__, "api": "/api", "competition": competition[:100], "path": "/"}
    host = f"floorcraft-{suffix}.local."
    return [ServiceInfo(kind, f"{label}.{kind}", port=settings.port, properties=properties, server=host,
                        addresses=addresses) for kind in SERVICE_TYPES]


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


class Advertiser:
    """Registers the services at start-up and withdraws them at shutdown."""

    def __init__(self, settings: Settings, competition: str):
        self.settings = settings
        self.competition = competition
        self.suffix = secrets.token_hex(2)
        self.zeroconf: AsyncZeroconf | None = None
        self.infos: list[ServiceInfo] = []

    async def start(self) -> None:
        interfaces = list(self.settings.mdns_interfaces)
        self.zeroconf = AsyncZeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
        self.infos = service_infos(self.settings, self.competition, self.suffix)
        for info in self.infos:
            await self.zeroconf.async_register_service(info, allow_name_change=True)
        log.info("mDNS: advertising %s on %s", ", ".join(i.name for i in self.infos), ", ".join(interfaces))

    async def stop(self) -> None:
        if self.zeroconf is None:
            return
        await self.zeroconf.async_unregister_all_services()
        await self.zeroconf.async_close()
        self.zeroconf = None

