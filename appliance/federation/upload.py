"""Upload when online (issue #11 point 3): the DTV ESV results document of an event goes to the federation after
each computed round (live mode) and, once the final is signed off, the final document with its checksum header.

It is one more consumer of the change log, the outbox the cloud sync reads (appliance/box/sync.py, whose `Outbox`
gives the cursor in `sync_state`, the timeout, the jittered backoff and Retry-After): a round's `round.computed`
(`round.recomputed`, `round.decided`) or the final's `result.official` row is due; the document is built from the
event's state at that moment on a reader connection and sent outside any transaction, so the writer never waits
for the network. An upload replaces the previous one at the ESV (formats.md 1.3), so rows due for the same event
in one look are sent as one document, and a document the federation already accepted is not sent again. An
upload that gets no answer, a 5xx, 408 or 429 is retried (the same row, backing off); any other refusal (a wrong
login, an unknown event, a closed event) is recorded as the last error, logged, and the upload moves on: sending
the same document again would be refused again, and the next round sends the event afresh.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from appliance import __version__
from appliance.box.sync import IDLE, Outbox, federation_endpoint, stored
from appliance.db import changelog
from appliance.db import rounds as rounds_db
from appliance.db import sync as sync_db
from appliance.db.store import Store
from appliance.errors import AppError
from appliance.federation import esv
from appliance.i18n import _
from appliance.settings import Settings

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
TRIGGERS = {
    "live": ("round.computed", "round.recomputed", "round.decided", "result.official"),
    "final": ("result.official",),
}
LOOK = 500  # change-log rows looked at per step
RETRIED = (408, 429)


class CredentialsError(ValueError):
    """The token file cannot be read or is not `user:password` (and an optional token line)."""


def read_credentials(path: str) -> tuple[str | None, str | None]:
    """The HTTP Basic header value and the DTV certification token, from the token file (none: neither)."""
    if not path:
        return None, None
    try:
        lines = [line.strip() for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(
            _("cannot read FLOORCRAFT_FEDERATION_TOKEN_FILE {path}: {reason}", path=path, reason=str(exc))
        ) from None
    if not lines or ":" not in lines[0]:
        raise CredentialsError(
            _("{path} (FLOORCRAFT_FEDERATION_TOKEN_FILE) needs user:password on its first line", path=path)
        )
    basic = "Basic " + base64.b64encode(lines[0].encode()).decode()
    return basic, lines[1] if len(lines) > 1 else None


def upload_headers(settings: Settings, body: bytes, final: bool) -> dict[str, str]:
    """The ESV upload's headers: media type, login, certification token, the checksum of a final document."""
    basic, token = read_credentials(settings.federation_token_file)
    headers = {
        "Content-Type": esv.MEDIA_TYPE,
        "User-Agent": f"Floorcraft/{__version__}" + (f"; Token={token}" if token else ""),
    }
    if basic:
        headers["Authorization"] = basic
    if final:
        headers["X-DTV-Pruefsumme"] = esv.checksum(body)  # the final upload only (formats.md 1.4)
    return headers


def event_ids(settings: Settings) -> dict[int, str] | None:
    """Floorcraft event id -> the federation's id (`turnierId`); None: every event, under its own id."""
    if not settings.federation_events:
        return None
    return {int(box): theirs for box, theirs in (pair.split("=", 1) for pair in settings.federation_events)}


def _event_of(conn: sqlite3.Connection, payload: dict) -> int | None:
    """The event a due row is about: named in it, or the event of the round it names."""
    if "event_id" in payload:
        return int(payload["event_id"])
    row = rounds_db.get_round(conn, int(payload.get("round_id", 0)))
    return row["event_id"] if row else None


class Uploader(Outbox):
    def __init__(self, store: Store, settings: Settings):
        super().__init__(store, federation_endpoint(settings), settings.federation_timeout)
        self.settings = settings
        self.triggers = TRIGGERS[settings.federation_mode]
        self.events = event_ids(settings)
        self.sent: dict[int, str] = {}  # event -> SHA-1 of the last body the federation accepted

    def _due(self, conn: sqlite3.Connection, acked: int) -> tuple[int, int | None, dict | str | None] | None:
        """(seq to acknowledge, event due, its document or why there is none), or None: nothing new."""
        rows = changelog.rows_after(conn, acked, LOOK)
        if not rows:
            return None
        due = []
        for seq, kind, _entity, payload, *_rest in rows:
            if kind in self.triggers:
                event_id = _event_of(conn, json.loads(payload))
                if event_id is not None and (self.events is None or event_id in self.events):
                    due.append((seq, event_id))
        if not due:
            return rows[-1][0], None, None
        event_id = due[0][1]
        # the rows due for this event before another event's: one document (its state now) covers them all
        seq = [s for s, _ in itertools.takewhile(lambda d: d[1] == event_id, due)][-1]
        try:
            return seq, event_id, esv.results_document(conn, event_id)
        except AppError as exc:
            return seq, event_id, exc.message

    async def _skip(self, seq: int, error: str | None) -> float:
        """Move past `seq` without sending (nothing to send, or the federation refused it for good)."""

        def write(conn: sqlite3.Connection) -> None:
            now = self.store.clock()
            sync_db.record(conn, self.endpoint, seq, None, now)
            if error:
                sync_db.record(conn, self.endpoint, None, stored(error), now)

        await self.store.write(write)
        return 0.0

    async def step(self, http: httpx.AsyncClient) -> float:
        acked = await self.acked()
        found = await self.store.read(lambda conn: self._due(conn, acked))
        if found is None:
            return IDLE
        seq, event_id, document = found
        if event_id is None or document is None:
            return await self._skip(seq, None)  # nothing due in these rows
        if isinstance(document, str):
            log.warning("federation: event %s has no document to send: %s", event_id, document)
            return await self._skip(seq, _("event {event}: {reason}", event=event_id, reason=document))
        body = esv.serialise(document)
        digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()
        if self.sent.get(event_id) == digest:
            return await self._skip(seq, None)  # the federation has exactly this document already
        final = bool(document.get("endergebnis"))
        try:
            headers = upload_headers(self.settings, body, final)
        except ValueError as exc:
            return await self.failed(str(exc))
        theirs = self.events[event_id] if self.events is not None else str(event_id)
        import httpx

        try:
            response = await http.post(f"{self.endpoint}/{theirs}", content=body, headers=headers)
        except httpx.HTTPError as exc:
            return await self.failed(
                _("event {event}: no answer ({reason})", event=event_id, reason=f"{type(exc).__name__}: {exc}")
            )
        if response.status_code == 200:
            self.sent[event_id] = digest
            log.info("federation: event %s sent (%s)", event_id, "final" if final else "live")
            return await self.succeeded(seq)
        error = _(
            "event {event}: {reason}", event=event_id, reason=f"HTTP {response.status_code}: {response.text[:200]}"
        )
        if response.status_code in RETRIED or 500 <= response.status_code < 600:
            return await self.failed(error, response)
        log.warning("federation: refused, not retried: %s", error)
        return await self._skip(seq, error)
