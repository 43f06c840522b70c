"""The federation upload from the cloud: a box that was offline all day sends its log when it is back, and the
cloud sends each event's final federation results (the DTV ESV document, `endergebnis: true`) once.

An event is due when its `result.official` row arrives (appliance/cloud/receiver.py queues it in the batch's own
transaction; the key (box, event) makes it once whichever receiver process stored it). Any receiver process may
send it: it claims the upload with a compare-and-set and a lease (a process that dies mid-upload leaves it to
another once the lease runs out), rebuilds the box's tables from its log (appliance/db/replay.py), builds the
document (appliance/federation/esv.py) and POSTs it as the box would (appliance/federation/upload.py's headers).
No answer, 408, 429 or a 5xx is tried again later, backing off; any other refusal is recorded and not retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

import httpx

from appliance.box.sync import federation_endpoint
from appliance.db import cloud as db
from appliance.db.cloud_backend import CloudDB
from appliance.db.replay import rebuild
from appliance.errors import AppError
from appliance.federation import esv
from appliance.federation.upload import RETRIED, event_ids, upload_headers
from appliance.settings import Settings

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=2)
IDLE = 1.0  # seconds between looks when nothing is due


def _at(delta: dt.timedelta = dt.timedelta()) -> str:
    return (dt.datetime.now(dt.UTC).replace(microsecond=0) + delta).isoformat()


class CloudUploader:
    def __init__(self, store: CloudDB, settings: Settings):
        self.store, self.settings = store, settings
        self.endpoint = federation_endpoint(settings)
        self.events = event_ids(settings)
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="cloud-federation", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(self.settings.federation_timeout + 5)

    def run(self) -> None:
        with httpx.Client(timeout=self.settings.federation_timeout) as http:
            while not self.stopping.is_set():
                try:
                    busy = self.step(http)
                except Exception:  # never let an upload take the receiver down
                    log.exception("federation upload from the cloud failed")
                    busy = False
                if not busy:
                    self.stopping.wait(IDLE)

    def claim(self) -> tuple[str, int, int] | None:
        """(box, event, attempt) of an upload this process now holds, or None: nothing due."""
        with self.store.transaction() as tx:
            due = db.next_upload(tx, _at())
            if due is None or not db.claim_upload(tx, due, _at(LEASE)):
                return None
            attempts = db.upload_attempts(tx, due[0], due[1])
        return due[0], int(due[1]), attempts

    def document(self, box: str, event_id: int) -> bytes:
        with self.store.transaction() as tx:
            rows = db.all_rows(tx, box)
        conn, _unknown = rebuild(rows)
        try:
            return esv.serialise(esv.results_document(conn, event_id))
        finally:
            conn.close()

    def step(self, http: httpx.Client) -> bool:
        """Send one due upload; False: nothing was due."""
        claimed = self.claim()
        if claimed is None:
            return False
        box, event_id, attempt = claimed
        if self.events is not None and event_id not in self.events:
            return self.finish(box, event_id, "refused", "not in FLOORCRAFT_FEDERATION_EVENTS")
        try:
            body = self.document(box, event_id)
            headers = upload_headers(self.settings, body, final=True)
        except (AppError, ValueError) as exc:
            return self.finish(box, event_id, "refused", getattr(exc, "message", str(exc)))
        theirs = self.events[event_id] if self.events is not None else str(event_id)
        try:
            response = http.post(f"{self.endpoint}/{theirs}", content=body, headers=headers)
        except httpx.HTTPError as exc:
            return self.finish(box, event_id, "pending", f"{type(exc).__name__}: {exc}", attempt)
        if response.status_code == 200:
            log.info("federation: event %s of box %s sent from the cloud", event_id, box)
            return self.finish(box, event_id, "sent", None)
        error = f"HTTP {response.status_code}: {response.text[:200]}"
        if response.status_code in RETRIED or response.status_code >= 500:
            return self.finish(box, event_id, "pending", error, attempt)
        log.warning("federation: event %s of box %s refused, not retried: %s", event_id, box, error)
        return self.finish(box, event_id, "refused", error)

    def finish(self, box: str, event_id: int, state: str, error: str | None, attempt: int = 0) -> bool:
        wait = dt.timedelta(seconds=min(300, 2**attempt)) if state == "pending" else dt.timedelta()
        with self.store.transaction() as tx:
            db.finish_upload(tx, box, event_id, state, _at(wait), error, _at())
        return True
