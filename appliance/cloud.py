"""`floorcraft cloud`: the receiver of the boxes' change logs, and a read-only view of their published results.

It stores each batch exactly once (rows it holds already are checked and skipped), checks every row's hash and
the chain, refuses a batch that does not follow what it holds with 409 and the seq it expects, and answers with
the highest contiguous seq it holds for that box.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from litestar import Litestar, Request, get, post
from litestar.exceptions import HTTPException
from litestar.params import FromPath, RawBody
from litestar.static_files import create_static_files_router

from appliance import crypto
from appliance.browser import SecurityHeaders
from appliance.db import changelog
from appliance.db import sync as db
from appliance.db.store import check_integrity, connect
from appliance.errors import EXCEPTION_HANDLERS, Conflict, Invalid, Unauthorized
from appliance.live import public_event
from appliance.services.public import PUBLISHED, published
from appliance.settings import DEFAULT_WEB

SHOWN = ("round.computed", "round.recomputed", "result.official", "round.decided")


class GapError(Conflict):
    def __init__(self, expected: int):
        super().__init__(f"this batch does not follow: send from seq {expected}", "rows")
        self.expected = expected


def _gap(_: Request, exc: GapError):
    from litestar import Response

    return Response(
        {
            "error": {
                "status": 409,
                "code": "gap",
                "message": exc.message,
                "field": "rows",
                "expected_seq": exc.expected,
            }
        },
        status_code=409,
    )


class CloudStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(path)
        check_integrity(self.conn, path)
        for statement in db.CLOUD_SCHEMA:
            self.conn.execute(statement)
        self.lock = threading.Lock()

    def receive(self, body: bytes, signature: str) -> int:
        try:
            batch = json.loads(body)
            box, rows = batch["box"], batch["rows"]
            Ed25519PublicKey.from_public_bytes(crypto.unb64u(box)).verify(crypto.unb64u(signature), body)
        except (InvalidSignature, ValueError, KeyError, TypeError):
            raise Unauthorized("the batch is not signed by the box it names", "X-Box-Signature") from None
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                head = self._apply(box, rows)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        return head

    def _apply(self, box: str, rows: list[dict]) -> int:
        head, head_hash = db.cloud_head(self.conn, box)
        for row in rows:
            computed = changelog.row_hash(
                row["seq"], row["kind"], row["entity"], row["payload"], row["at"], row["prev_hash"]
            )
            if computed != row["hash"]:
                raise Invalid(f"row {row['seq']} does not match its hash", "rows")
            if row["seq"] <= head:
                if db.cloud_row_hash(self.conn, box, row["seq"]) != row["hash"]:
                    raise Conflict(f"row {row['seq']} differs from the one received before", "rows")
                continue
            if row["seq"] != head + 1 or row["prev_hash"] != (head_hash or changelog.GENESIS):
                raise GapError(head + 1)
            db.cloud_insert(self.conn, box, row)
            head, head_hash = row["seq"], row["hash"]
        return head


def create_cloud_app(data_dir: Path, web: Path = DEFAULT_WEB) -> Litestar:
    store = CloudStore(Path(data_dir) / "cloud.sqlite3")

    @post("/cloud/batches", status_code=200, sync_to_thread=True)
    def receive(request: Request, body: RawBody) -> dict:
        signature = request.headers.get("x-box-signature", "")
        return {"acked_seq": store.receive(body, signature)}

    @get("/cloud/boxes", sync_to_thread=True)
    def boxes() -> list[dict]:
        with store.lock:
            return [
                {
                    "box": r["box"],
                    "head": r["head"],
                    "rows": r["rows"],
                    "head_hash": db.cloud_head(store.conn, r["box"])[1],
                }
                for r in db.cloud_boxes(store.conn)
            ]

    @get("/cloud/boxes/{box:str}/results", sync_to_thread=True)
    def results(box: FromPath[str]) -> list[dict]:
        """The published results of one box (what its live stream showed): read-only."""
        with store.lock:
            rows = db.cloud_rows(store.conn, box, SHOWN)
        if not rows:
            raise HTTPException(status_code=404, detail="no such box")
        return [
            {"seq": r["seq"], "event": r["kind"], **(public_event(r["kind"], json.loads(r["payload"])) or {})}
            for r in rows
        ]

    @get("/cloud/boxes/{box:str}/public/results", sync_to_thread=True)
    def public_results(box: FromPath[str]) -> dict:
        """The same published results as the box's /api/public/results, from the synced log."""
        with store.lock:
            rows = db.cloud_rows(store.conn, box, PUBLISHED)
        if not rows:
            raise HTTPException(status_code=404, detail="no results from this box")
        return published(rows)

    pages = create_static_files_router(path="/cloud/web", directories=[web], html_mode=True, name="web")
    app = Litestar(
        route_handlers=[receive, boxes, results, public_results, pages],
        exception_handlers={**EXCEPTION_HANDLERS, GapError: _gap},
        logging_config=None,
        request_max_body_size=64 * 1024 * 1024,
        openapi_config=None,
        on_shutdown=[store.conn.close],
    )
    app.asgi_handler = SecurityHeaders(app.asgi_handler, web)  # the same browser-side defences as the box
    return app
