"""The Host allow-list: a defence against DNS rebinding from a spectator's browser on the venue Wi-Fi.

A page on an attacker's domain that re-points its name at the box would reach the box with the attacker's
name in the Host header. The box answers only Host headers that are an IP address (the QR codes carry the
box's IP), localhost, the box's own names (`<hostname>`, `<hostname>.local`, the public URL's host) and any
extra names in FLOORCRAFT_ALLOWED_HOSTS; anything else gets 400 in the one error shape.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from appliance.errors import send_error
from appliance.i18n import ASKED, _, for_scope, translate
from appliance.settings import Settings


def allowed_names(settings: Settings) -> set[str]:
    hostname = socket.gethostname().lower()
    names = {"localhost", hostname, f"{hostname}.local", *(h.lower() for h in settings.allowed_hosts)}
    if settings.public_url:
        names.add((urlsplit(settings.public_url).hostname or "").lower())
    return names


def host_of(value: str) -> str:
    """The host part of a Host header ("[::1]:8000" -> "::1", "box.local:80" -> "box.local")."""
    if value.startswith("["):
        return value[1 : value.find("]")].lower()
    return value.rsplit(":", 1)[0].lower() if value.count(":") == 1 else value.lower()


def is_allowed(host: str, names: set[str]) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return host in names


class HostCheck:
    """ASGI middleware: refuse requests whose Host header is not one of the box's."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.names = allowed_names(settings)

    async def __call__(self, scope, receive, send):
        if scope["type"] in ("http", "websocket"):
            ASKED.set(for_scope(scope))  # a Message in this request's answer is said in its asker's language
            hosts = [v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"host"]
            if len(hosts) > 1:  # RFC 9112: 400; else one part could check the first and another use the last
                said = translate(_("the request has more than one Host header"), for_scope(scope))
                await send_error(send, 400, "bad_host", said, "Host")
                return
            host = hosts[0] if hosts else ""
            if not is_allowed(host_of(host), self.names):
                said = translate(_("this box does not answer to the name {host}", host=repr(host)), for_scope(scope))
                await send_error(send, 400, "bad_host", said, "Host")
                return
        await self.app(scope, receive, send)


def forwarded(settings: Settings) -> dict:
    """uvicorn's proxy options: X-Forwarded-For/-Proto are believed only from FLOORCRAFT_TRUSTED_PROXIES.

    uvicorn's own default trusts them from 127.0.0.1, so anything on the box (or a test on loopback) could
    claim any client address: a fresh rate-limit bucket, or a loopback-only page seen from elsewhere.
    """
    if not settings.trusted_proxies:
        return {"proxy_headers": False}
    return {"proxy_headers": True, "forwarded_allow_ips": list(settings.trusted_proxies)}
