"""Settings: one frozen Struct, read once from FLOORCRAFT_* environment variables.

Every CLI command and the server read the same settings, so
`FLOORCRAFT_DATA_DIR=./data floorcraft demo` and `... floorcraft serve` share a database.
An unknown FLOORCRAFT_ variable (a typo) stops start-up with a message naming it.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import msgspec

from appliance.errors import plain_validation
from appliance.i18n import Message, _

PREFIX = "FLOORCRAFT_"
URL = "^(https?://[^ /?#]+(/[^ ]*)?)?$"  # an http(s) URL, or empty
DEFAULT_WEB = Path(__file__).resolve().parent.parent / "web"


class SettingsError(ValueError):
    """A FLOORCRAFT_* variable is unknown or its value cannot be used."""


class Settings(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the box needs to know; each field is FLOORCRAFT_<FIELD> in the environment (documented in README)."""

    data_dir: str = "./data"
    host: str = "127.0.0.1"
    port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 8000
    public_url: Annotated[str, msgspec.Meta(pattern=URL)] = ""
    mdns: bool = True
    mdns_interfaces: tuple[str, ...] = ("127.0.0.1",)
    mdns_name: str = "Floorcraft"
    log_level: Literal["debug", "info", "warning", "error"] = "info"  # else logging.basicConfig raised
    stop_timeout: Annotated[float, msgspec.Meta(ge=0.1, le=60)] = 5.0
    allowed_hosts: tuple[str, ...] = ()
    web_dir: str = ""
    cloud_url: Annotated[str, msgspec.Meta(pattern=URL)] = ""
    cloud_batch: Annotated[int, msgspec.Meta(ge=1, le=5000)] = 500
    cloud_timeout: Annotated[float, msgspec.Meta(ge=0.1, le=120)] = 10.0
    # `floorcraft cloud` only: PostgreSQL (postgresql://...) instead of DATA_DIR/cloud.sqlite3, and its pool size
    cloud_database_url: Annotated[str, msgspec.Meta(pattern=r"^(postgres(ql)?://\S*)?$")] = ""
    cloud_pool_size: Annotated[int, msgspec.Meta(ge=1, le=500)] = 10
    max_connections: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0  # 0: the open-file limit minus a reserve
    live_max_viewers: Annotated[int, msgspec.Meta(ge=0, le=1_000_000)] = 0  # 0: derived from max_connections
    live_workers: Annotated[int, msgspec.Meta(ge=0, le=32)] = 2  # fan-out processes (appliance/live/fanout.py); 0: none
    # seconds with no live viewer after which the fan-out workers stop (the next viewer starts them again)
    live_workers_idle: Annotated[float, msgspec.Meta(ge=1, le=86_400)] = 600.0
    header_timeout: Annotated[float, msgspec.Meta(ge=0.5, le=300)] = 10.0
    body_timeout: Annotated[float, msgspec.Meta(ge=0.5, le=600)] = 60.0
    backup_passphrase_file: str = ""  # the organiser's passphrase: a backup leaves the box only sealed with it
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For/-Proto uvicorn believes
    federation_url: str = ""  # the federation's results endpoint (DTV ESV): uploads while it answers; empty: none
    federation_token_file: str = ""  # line 1 user:password (HTTP Basic), line 2 the program's certification token
    federation_mode: Literal["live", "final"] = "live"  # live: after every computed round; final: the final only
    federation_events: tuple[str, ...] = ()  # EVENT=TURNIER pairs: the federation's id of each event to upload
    federation_timeout: Annotated[float, msgspec.Meta(ge=0.1, le=120)] = 10.0
    tls_cert: str = ""  # PEM certificate (chain) the tablets trust (the organiser's): serve over https
    tls_key: str = ""  # its private key (PEM, unencrypted, root-only); both or neither

    @property
    def database_path(self) -> Path:
        return Path(self.data_dir) / "floorcraft.sqlite3"

    @property
    def web_path(self) -> Path:
        """The static pages: FLOORCRAFT_WEB_DIR, or web/ beside the package (a checkout)."""
        return Path(self.web_dir) if self.web_dir else DEFAULT_WEB

    @property
    def tls(self) -> bool:
        """Served over https (FLOORCRAFT_TLS_CERT and _KEY): URLs, QR codes and mDNS say https, HSTS is sent."""
        return bool(self.tls_cert)

    @property
    def base_url(self) -> str:
        """The URL that QR codes and registration links carry (the box's IP address, not .local)."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if _every_interface(self.host) else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


FIELDS = tuple(f.name for f in msgspec.structs.fields(Settings))


def _every_interface(host: str) -> bool:
    """An empty host or an unspecified address (0.0.0.0, ::): the server listens on every interface."""
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _check_networks(entries) -> None:
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(
                _(
                    "bad value for FLOORCRAFT_TRUSTED_PROXIES: {entry} is not an IP address "
                    "or network (e.g. 127.0.0.1 or 10.0.0.0/8)",
                    entry=repr(entry),
                )
            ) from None


def _check_pairs(entries) -> None:
    for entry in entries:
        if not re.fullmatch(r"[1-9][0-9]{0,15}=[A-Za-z0-9_-]{1,40}", entry):
            raise SettingsError(
                _(
                    "bad value for FLOORCRAFT_FEDERATION_EVENTS: {entry} is not EVENT=TURNIER "
                    "(the box's event id, =, the federation's id of that event; e.g. "
                    "3=54321)",
                    entry=repr(entry),
                )
            )


def _check_tls(raw: dict[str, object]) -> None:
    """The certificate and its key come together, and the QR codes then carry https (the files:
    appliance/trust/tls.py)."""
    if bool(raw.get("tls_cert")) != bool(raw.get("tls_key")):
        given, missing = ("CERT", "KEY") if raw.get("tls_cert") else ("KEY", "CERT")
        raise SettingsError(
            _(
                "FLOORCRAFT_TLS_{given} is set but FLOORCRAFT_TLS_{missing} is not: set both "
                "(the certificate and its private key) or neither",
                given=given,
                missing=missing,
            )
        )
    if raw.get("tls_cert") and str(raw.get("public_url", "")).startswith("http://"):
        raise SettingsError(
            _(
                "FLOORCRAFT_PUBLIC_URL says http:// but FLOORCRAFT_TLS_CERT makes the box serve "
                "https only: give the https:// URL (or leave it empty)",
            )
        )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Parse the FLOORCRAFT_* variables of `environ` (default: os.environ) into Settings."""
    environ = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    for key, value in environ.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX) :].lower()
        if name not in FIELDS:
            known = ", ".join(PREFIX + f.upper() for f in FIELDS)
            raise SettingsError(_("unknown setting {key} (known: {known})", key=key, known=known))
        listed = name in ("mdns_interfaces", "allowed_hosts", "trusted_proxies", "federation_events")
        raw[name] = [part.strip() for part in value.split(",") if part.strip()] if listed else value
    _check_networks(raw.get("trusted_proxies", []))
    _check_pairs(raw.get("federation_events", []))
    _check_tls(raw)
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        field = str(exc).rsplit("$.", 1)[-1].rstrip("`") if "$." in str(exc) else ""
        words, named = plain_validation(str(exc))  # "port must be at most 65535", not "Expected `int` <= 65535"
        if named and isinstance(words, Message) and words.msgid == "{field} {words}":
            words = words.params["words"]  # the variable names the field: its words alone, still a Message
        hint = get_type_hints(Settings).get(field)
        if get_origin(hint) is Literal:
            words = _("{words} ({choices})", words=words, choices=", ".join(get_args(hint)))
        raise SettingsError(_("bad value for FLOORCRAFT_{field}: {words}", field=field.upper(), words=words)) from None
