"""Cloud sync, the appliance's side: push change-log batches to the configured endpoint whenever it answers.

Each batch is the rows after the last acknowledged seq, signed with the box's Ed25519 key and sent with an
idempotency key. The receiver acknowledges the highest contiguous seq it holds; a 409 naming the seq it expects
(a gap) rewinds to it. Failures back off with full jitter (at most a minute), and a 429 or 503 waits as long as
its Retry-After says, so an absent uplink costs nothing but a quiet retry now and then.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    import httpx

from appliance.box.export import box_key, public_key_text
from appliance.cloud.pairing import Pairing, pairing_state, refusal
from appliance.db import changelog
from appliance.db import sync as db
from appliance.db.store import Store
from appliance.i18n import Message, _, from_tree, to_tree
from appliance.settings import Settings
from appliance.trust import crypto

log = logging.getLogger(__name__)
BASE, CAP, IDLE = 0.5, 60.0, 1.0


class FederationStatus(msgspec.Struct, frozen=True):
    """The federation upload's cursor in the same log (appliance/federation/upload.py), and its mode."""

    endpoint: str
    mode: str
    acked_seq: int
    pending: int
    last_error: str | None
    last_attempt: str | None
    last_success: str | None


class SyncStatus(msgspec.Struct, frozen=True):
    endpoint: str
    acked_seq: int
    head: int
    pending: int
    last_error: str | None
    last_attempt: str | None
    last_success: str | None
    federation: FederationStatus | None = None  # None: no FLOORCRAFT_FEDERATION_URL
    pairing: Pairing | None = None  # the box's pairing with this cloud (floorcraft pair CODE); None: not paired


def stored(error: str | None) -> str | None:
    """An error as `sync_state.last_error` keeps it: a Message as its tree (JSON), so the desk reads it in its own
    language (`shown`); other text (a server's own words) as it is."""
    return json.dumps(to_tree(error)) if isinstance(error, Message) else error


def shown(text: str | None) -> str | None:
    """`last_error` as stored, a Message again when it was one (said in the asker's language by the API)."""
    if text and text.startswith('{"msgid"'):
        try:
            return from_tree(json.loads(text))
        except (ValueError, KeyError, TypeError):
            return text
    return text


def status(conn, endpoint: str) -> SyncStatus:
    row = db.state(conn, endpoint)
    head = changelog.head(conn)[0]
    acked = row["acked_seq"] if row else 0
    return SyncStatus(
        endpoint,
        acked,
        head,
        max(0, head - acked),
        shown(row["last_error"]) if row else None,
        row["last_attempt"] if row else None,
        row["last_success"] if row else None,
    )


async def sync_status(store: Store, settings: Settings) -> SyncStatus:
    """What the desk shows: the last acknowledged seq, how many rows wait, the last error."""
    endpoint = endpoint_of(settings) if settings.cloud_url else ""
    paired = pairing_state(Path(settings.data_dir))

    def read(conn) -> SyncStatus:
        cloud = msgspec.structs.replace(status(conn, endpoint), pairing=paired)
        if not settings.federation_url:
            return cloud
        fed = status(conn, federation_endpoint(settings))
        upload = FederationStatus(
            fed.endpoint,
            settings.federation_mode,
            fed.acked_seq,
            fed.pending,
            fed.last_error,
            fed.last_attempt,
            fed.last_success,
        )
        return msgspec.structs.replace(cloud, federation=upload)

    return await store.read(read)


def endpoint_of(settings: Settings) -> str:
    return settings.cloud_url.rstrip("/") + "/cloud/batches"


def federation_endpoint(settings: Settings) -> str:
    """The ESV results endpoint; each event is POSTed to <this>/<turnierId>. Also the upload's key in sync_state."""
    return settings.federation_url.rstrip("/") + "/api/v1/ergebnis"


def batch_body(rows: list, box: str) -> bytes:
    names = ("seq", "kind", "entity", "payload", "at", "prev_hash", "hash")
    return json.dumps(
        {"box": box, "rows": [dict(zip(names, tuple(r), strict=True)) for r in rows]}, separators=(",", ":")
    ).encode()


def _retry_after(response: httpx.Response) -> float | None:
    text = response.headers.get("retry-after", "")
    return min(float(text), CAP) if text.replace(".", "", 1).isdigit() else None


class Outbox:
    """One consumer of the change log with its own cursor in `sync_state` (the cloud sync, the federation upload):
    `step` sends what is due and says how long to wait; failures back off with full jitter (at most a minute), a
    429 or 503 waits as long as its Retry-After says, a request that gets no answer in `timeout` is retried, and
    nothing of it ever holds the writer: the network is awaited outside any transaction."""

    def __init__(self, store: Store, endpoint: str, timeout: float):
        self.store, self.endpoint, self.timeout = store, endpoint, timeout
        self.attempt = 0

    async def _record(self, acked: int | None, error: str | None) -> None:
        await self.store.write(lambda conn: db.record(conn, self.endpoint, acked, stored(error), self.store.clock()))

    async def acked(self) -> int:
        row = await self.store.read(lambda conn: db.state(conn, self.endpoint))
        return row["acked_seq"] if row else 0

    async def succeeded(self, acked: int) -> float:
        await self._record(acked, None)
        self.attempt = 0
        return 0.0

    async def failed(self, error: str, response: httpx.Response | None = None) -> float:
        """Record the error; how long to wait: the answer's Retry-After (429, 503), else a jittered backoff."""
        await self._record(None, error)
        self.attempt += 1
        wait = _retry_after(response) if response is not None and response.status_code in (429, 503) else None
        return wait if wait is not None else random.uniform(0, min(CAP, BASE * 2**self.attempt))  # noqa: S311 - jitter  # nosec B311

    async def step(self, http: httpx.AsyncClient) -> float:
        raise NotImplementedError

    async def run(self) -> None:
        import httpx  # loaded when a sync or upload runs: the box's idle memory

        async with httpx.AsyncClient(timeout=self.timeout) as http:
            while True:
                try:
                    delay = await self.step(http)
                except Exception:  # never let an upload take the box down
                    log.exception("%s: step failed", type(self).__name__)
                    delay = CAP
                await asyncio.sleep(delay)


class Syncer(Outbox):
    def __init__(self, store: Store, settings: Settings):
        super().__init__(store, endpoint_of(settings), settings.cloud_timeout)
        self.settings = settings
        self.key = box_key(Path(settings.data_dir))
        self.box = public_key_text(self.key)

    async def step(self, http: httpx.AsyncClient) -> float:
        """Send one batch if there is one; returns how long to wait before the next step."""
        acked = await self.acked()
        rows = await self.store.read(lambda conn: changelog.rows_after(conn, acked, self.settings.cloud_batch))
        if not rows:
            return IDLE
        body = batch_body(rows, self.box)
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"{rows[0][0]}-{rows[-1][0]}-{rows[-1][6]}",
            "X-Box-Signature": crypto.b64u(self.key.sign(body)),
        }
        import httpx

        try:
            response = await http.post(self.endpoint, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return await self.failed(_("the cloud did not answer ({reason})", reason=f"{type(exc).__name__}: {exc}"))
        if response.status_code == 200:
            return await self.succeeded(int(response.json()["acked_seq"]))
        detail = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        expected = (detail.get("error") or {}).get("expected_seq") if isinstance(detail, dict) else None
        if response.status_code == 409 and isinstance(expected, int):
            await self._record(expected - 1, None)  # a gap: start again where the receiver is
            return 0.0
        return await self.failed(f"HTTP {response.status_code}: {refusal(response)}", response)
