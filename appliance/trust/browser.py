"""Browser-side defences: security headers on every response, and public writes only from the box's own pages.

Every answer (pages, API, errors) carries a Content-Security-Policy that allows no inline script or style
(the one inline element the pages have is the import map for the vendored noble modules: the CSP allows it by
its SHA-256 hash, computed from the pages at start-up), forbids framing (the desk must not render inside another
site), plus nosniff, no-referrer and a same-origin opener policy; with TLS also Strict-Transport-Security.
worker-src 'self': the judge page's service worker (web/judge/sw.js, registered over https only).

The public writes (registration through a link, enrolment completion) refuse a request another site's page made
(an Origin that is not the box's own, or `Sec-Fetch-Site: cross-site`: 403) and take only application/json (415).
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from appliance.errors import AppError, Forbidden
from appliance.i18n import _
from appliance.settings import Settings

IMPORT_MAP = re.compile(r"<script\s+type=\"importmap\">(.*?)</script>", re.DOTALL)


class CrossSite(Forbidden):
    code = "cross_site"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


def import_map_hashes(web_path: Path) -> list[str]:
    """The CSP hash sources of the inline import maps of the pages under web_path (sorted, distinct)."""
    found: set[str] = set()
    for page in sorted(web_path.rglob("*.html")) if web_path.is_dir() else []:
        for body in IMPORT_MAP.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def content_security_policy(web_path: Path) -> str:
    scripts = " ".join(["'self'", *import_map_hashes(web_path)])
    return (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; worker-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


HSTS = (b"strict-transport-security", b"max-age=31536000")  # only over TLS: plain http must stay reachable


def security_headers(web_path: Path, tls: bool = False) -> list[tuple[bytes, bytes]]:
    return [
        *([HSTS] if tls else []),
        (b"content-security-policy", content_security_policy(web_path).encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


class SecurityHeaders:
    """ASGI middleware: add the security headers to every HTTP response (replacing any the app set)."""

    def __init__(self, app, web_path: Path, tls: bool = False):
        self.app = app
        self.headers = security_headers(web_path, tls)
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in self.names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _header(connection: ASGIConnection, name: str) -> str | None:
    return connection.headers.get(name)


def own_origins(connection: ASGIConnection, settings: Settings) -> set[str]:
    """The origins of the box's own pages: the scheme and Host this request came to, and the public URL's."""
    origins = {f"{connection.scope.get('scheme', 'http')}://{(_header(connection, 'host') or '').lower()}"}
    public = urlsplit(settings.base_url)
    origins.add(f"{public.scheme}://{public.netloc.lower()}")
    return origins


def public_write(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Guard for unsigned writes: only the box's own pages (or a non-browser client), and only JSON."""
    settings: Settings = connection.app.state["ctx"].settings
    origin = _header(connection, "origin")
    if origin is not None and origin.lower().rstrip("/") not in own_origins(connection, settings):
        raise CrossSite(_("a page of another site ({origin}) may not send this request", origin=origin[:100]), "Origin")
    if (_header(connection, "sec-fetch-site") or "").lower() == "cross-site":
        raise CrossSite(_("a page of another site may not send this request"), "Sec-Fetch-Site")
    media_type = (_header(connection, "content-type") or "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(_("the body must be JSON, sent as Content-Type: application/json"), "Content-Type")
