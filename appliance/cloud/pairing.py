"""Pairing, the box's side: `floorcraft pair CODE` sends the one-time code the cloud printed, signed with the box's
Ed25519 key (the key that signs its batches); the cloud accepts the box's batches from then on. The box keeps
what it was told in DATA_DIR/cloud-pairing.json, which the desk reads (`GET /api/sync`, `pairing`)."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec

if TYPE_CHECKING:
    import httpx

from appliance.box.export import box_key, public_key_text, write_atomically
from appliance.errors import Conflict, Invalid
from appliance.i18n import _, message_of
from appliance.settings import Settings
from appliance.trust import crypto

STATE_FILE = "cloud-pairing.json"


class Pairing(msgspec.Struct, frozen=True):
    """The box's pairing as the cloud confirmed it: which cloud, the box's key, when."""

    cloud: str
    box: str
    paired_at: str


class PairingError(ValueError):
    """The cloud cannot be reached, or refused the code (PairingRefused, in its words)."""


class PairingRefused(PairingError):
    pass


def pair_with_cloud(data_dir: Path, cloud_url: str, code: str, name: str = "", timeout: float = 10) -> Pairing:
    key = box_key(Path(data_dir))
    box = public_key_text(key)
    body = json.dumps({"box": box, "code": code, "name": name or socket.gethostname()[:200]}).encode()
    url = cloud_url.rstrip("/") + "/cloud/pair"
    headers = {"Content-Type": "application/json", "X-Box-Signature": crypto.b64u(key.sign(body))}
    import httpx  # loaded when pairing: the box's idle memory

    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise PairingError(_("cannot reach the cloud at {url}: {reason}", url=url, reason=str(exc))) from None
    if response.status_code in (404, 405) and _is_a_box(cloud_url, timeout):
        message = _(
            "{url} is a Floorcraft box, not a cloud: set FLOORCRAFT_CLOUD_URL to the address where "
            "`floorcraft cloud` runs",
            url=cloud_url.rstrip("/"),
        )
        raise PairingError(message)
    if response.status_code != 200:
        raise PairingRefused(
            _(
                "the cloud refused the pairing (HTTP {status}): {reason}",
                status=response.status_code,
                reason=refusal(response),
            )
        )
    try:  # a captive portal or another web server answers 200 with a page of its own
        made = Pairing(cloud_url.rstrip("/"), box, str(response.json()["paired_at"]))
    except (ValueError, KeyError, TypeError):
        raise PairingError(
            _(
                "{url} did not answer as a Floorcraft cloud (HTTP 200 without a pairing): is FLOORCRAFT_CLOUD_URL "
                "the cloud's address, and is the uplink past the venue's Wi-Fi sign-in page?",
                url=url,
            )
        ) from None
    write_atomically(Path(data_dir) / STATE_FILE, msgspec.json.encode(made))
    return made


def _is_a_box(url: str, timeout: float) -> bool:
    """Whether `url` answers as a Floorcraft box (its `GET /api/health` names its change log's head)."""
    import httpx

    try:
        health = httpx.get(url.rstrip("/") + "/api/health", timeout=timeout).json()
    except (httpx.HTTPError, ValueError):
        return False
    return isinstance(health, dict) and "change_log_head" in health


def refusal(response: httpx.Response) -> str:
    """The cloud's refusal in its own words (its error's message, as the desk shows it), else what it answered."""
    try:
        message = response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        message = None
    return message if isinstance(message, str) else response.text[:200]


def pairing_state(data_dir: Path) -> Pairing | None:
    """The box's pairing as the cloud confirmed it (the address it was paired through: the cloud may sit behind
    several), or None: never paired."""
    try:
        return msgspec.json.decode((Path(data_dir) / STATE_FILE).read_bytes(), type=Pairing)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None


class PairCode(msgspec.Struct, forbid_unknown_fields=True):
    """The desk's pairing form: the code `floorcraft cloud pair` printed on the cloud."""

    code: Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern="^[A-Za-z0-9 -]+$")]


async def pair_from_desk(settings: Settings, data: PairCode) -> Pairing:
    """The desk's "Pair with the cloud": as `floorcraft pair CODE`, refusals in the cloud's words (409, 422)."""
    if not settings.cloud_url:
        raise Conflict(_("this box has no cloud: set FLOORCRAFT_CLOUD_URL first"), "code")
    try:
        return await asyncio.to_thread(pair_with_cloud, Path(settings.data_dir), settings.cloud_url, data.code)
    except PairingRefused as exc:
        raise Invalid(message_of(exc), "code") from None
    except PairingError as exc:
        raise Conflict(_("{reason}; try again once the box is online", reason=message_of(exc)), "code") from None
