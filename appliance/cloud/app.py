"""`floorcraft cloud`: the receiver of the boxes' change logs, and the published results of every paired box.

Any number of these processes may serve one database (PostgreSQL, or one SQLite file on one machine) behind one
address: what keeps each batch stored once is in the database (appliance/cloud/receiver.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, Parameter, RawBody
from litestar.response import Redirect
from litestar.static_files import create_static_files_router

from appliance.cloud import public, receiver
from appliance.cloud.receiver import GapError
from appliance.db.cloud_backend import CloudDB, open_cloud
from appliance.errors import EXCEPTION_HANDLERS, said
from appliance.i18n import for_request
from appliance.live.stream import public_event
from appliance.settings import DEFAULT_WEB, Settings
from appliance.trust.browser import SecurityHeaders

SHOWN = ("round.computed", "round.recomputed", "result.official", "round.decided")


def _gap(request: Request, exc: GapError) -> Response:
    message = said(request, exc.message)  # in the sender's language, as errors.py says every AppError
    error = {"status": 409, "code": "gap", "message": message, "field": "rows", "expected_seq": exc.expected}
    return Response({"error": error}, status_code=409)


def _routes(store: CloudDB, federation: bool) -> list:
    @post("/cloud/batches", status_code=200, sync_to_thread=True)
    def receive(request: Request, body: RawBody) -> dict:
        signature = request.headers.get("x-box-signature", "")
        return {"acked_seq": receiver.receive(store, body, signature, federation)}

    @post("/cloud/pair", status_code=200, sync_to_thread=True)
    def pair(request: Request, body: RawBody) -> dict:
        """A box takes a one-time pairing code (`floorcraft pair CODE`), signed by its key."""
        return receiver.pair(store, body, request.headers.get("x-box-signature", ""))

    return [receive, pair, *_public(store)]


def _public(store: CloudDB) -> list:
    """What readers (and a CDN) get: cacheable JSON of paired boxes only, and the front page."""

    @get("/cloud/boxes", sync_to_thread=True)
    def boxes(request: Request) -> Response:
        """The paired boxes: key, name, when paired, the head of the log held for each."""
        return public.cached(request, receiver.list_boxes(store))

    @get("/cloud/boxes/{box:str}/results", sync_to_thread=True)
    def shown(request: Request, box: FromPath[str]) -> Response:
        """What one paired box's live stream published: read-only."""
        rows = public.paired_rows(store, box, SHOWN)
        data = [{"seq": r[0], "event": r[1], **(public_event(r[1], json.loads(r[3])) or {})} for r in rows]
        return public.cached(request, data)

    @get("/cloud/boxes/{box:str}/public/results", sync_to_thread=True)
    def results(
        request: Request, box: FromPath[str], competition: Annotated[int | None, Parameter(ge=1, le=2**62)] = None
    ) -> Response:
        """The same published results as the box's /api/public/results (of one competition, if named), in the
        reader's language as the box answers them."""
        language = for_request(request.cookies, request.headers.get("accept-language"))
        return public.cached(request, public.results(store, box, competition, language), public.BY_LANGUAGE)

    @get("/cloud/api/competitions", sync_to_thread=True)
    def competitions(request: Request) -> Response:
        """Every competition of every paired box, with links to its results (JSON) and its page."""
        return public.cached(request, public.competitions(store))

    @get(["/", "/cloud"], include_in_schema=False, sync_to_thread=False)
    def front() -> Redirect:
        """The front page for readers: every competition of every paired box (web/cloud/)."""
        return Redirect("/cloud/web/cloud/")

    return [boxes, shown, results, competitions, front]


def create_cloud_app(data_dir: Path, web: Path = DEFAULT_WEB, settings: Settings | None = None) -> Litestar:
    settings = settings or Settings(data_dir=str(data_dir))
    store = open_cloud(Path(data_dir), settings.cloud_database_url, receiver.now_text(), settings.cloud_pool_size)
    on_startup, on_shutdown = [], [store.close]
    if settings.federation_url:  # the federation results of boxes that were offline, sent once from here
        from appliance.cloud.federation import CloudUploader

        uploader = CloudUploader(store, settings)
        on_startup.append(uploader.start)
        on_shutdown.insert(0, uploader.stop)
    pages = create_static_files_router(path="/cloud/web", directories=[web], html_mode=True, name="web")
    app = Litestar(
        route_handlers=[*_routes(store, bool(settings.federation_url)), pages],
        exception_handlers={**EXCEPTION_HANDLERS, GapError: _gap},
        logging_config=None,
        request_max_body_size=64 * 1024 * 1024,
        openapi_config=None,
        on_startup=on_startup,
        on_shutdown=on_shutdown,
    )
    app.state["cloud_store"] = store
    app.asgi_handler = SecurityHeaders(app.asgi_handler, web, settings.tls)  # the box's defences (HSTS on https)
    return app
