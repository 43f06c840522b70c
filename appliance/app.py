"""The composition root: create_app(settings) -> Litestar, with the URL table and the wiring."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import msgspec
from litestar import Litestar, Request, asgi, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.params import QueryParameter
from litestar.static_files import create_static_files_router
from litestar.types import Receive, Scope, Send

from appliance import __version__
from appliance.api.body import StrictRequest
from appliance.api.devices import DeviceController
from appliance.api.marks import MarksController
from appliance.api.outcomes import OutcomesController
from appliance.api.printing import PrintController
from appliance.api.registration import RegistrationController
from appliance.api.rounds import RoundsController
from appliance.api.schedule import ScheduleController
from appliance.api.setup import CompetitionController, EventController
from appliance.api.stars import StarsController
from appliance.box.watchdog import notify, watch
from appliance.db import competitions as db_competitions
from appliance.db.store import Store
from appliance.errors import EXCEPTION_HANDLERS, Forbidden
from appliance.i18n import Message, _, for_request, said_to_asker
from appliance.live.params import one_each
from appliance.live.stream import Hub, stream
from appliance.openapi import SchemaNotFound, document
from appliance.services import Context
from appliance.services.enrolment import first_scrutineer_enrolment
from appliance.services.public import floor_state, public_state, published_here
from appliance.settings import Settings, load_settings
from appliance.trust import checkpoints
from appliance.trust.auth import Replayed, answer_recorder, principal, replayed_response
from appliance.trust.browser import SecurityHeaders
from appliance.trust.connections import limits_for
from appliance.trust.hosts import HostCheck
from appliance.trust.ratelimit import RateLimit
from appliance.webfiles import HeadAsGet, PageFiles

if TYPE_CHECKING:  # zeroconf (~3 MB) is imported only when the box advertises itself (FLOORCRAFT_MDNS)
    from appliance.box.discovery import Advertiser

FIRST_SCREEN_ENROLMENT = dt.timedelta(minutes=2)
log = logging.getLogger(__name__)


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str
    change_log_head: int


@get("/api/health", summary="Liveness: the database answers", tags=["box"])
async def health(ctx: NamedDependency[Context]) -> Health:
    head = await ctx.store.read(lambda conn: conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])
    return Health("ok", __version__, head)


def create_app(settings: Settings | None = None, store: Store | None = None) -> Litestar:
    """Build the appliance's web app; opens (and migrates) the database unless a store is given."""
    settings = settings or load_settings()
    store = store or Store(settings.database_path)
    checkpoints.attach(store, Path(settings.data_dir))  # signed heads outside the database (issue #9 point 10)
    ctx = Context(store, settings)

    advertiser: list[Advertiser] = []
    hub = Hub(store, limits_for(settings).max_viewers)  # the viewers' cap keeps connections for officials

    async def state_frame(floor: int | None) -> tuple[int, bytes]:
        state = await store.read(lambda conn: public_state(conn, floor))
        data = json.dumps(state, separators=(",", ":"), default=str)
        return state["seq"], f"id: {state['seq']}\nevent: state\ndata: {data}\n\n".encode()

    @asgi("/api/live", is_mount=False, include_in_schema=False, copy_scope=False)
    async def live(scope: Scope, receive: Receive, send: Send) -> None:
        """SSE: public change-log events; ?floor=ID for one floor; Last-Event-ID resumes exactly."""
        await stream(hub, scope, receive, send, state_frame)

    @get(
        "/api/live/state",
        summary="Public: the same state as the live stream, for clients without SSE",
        tags=["live"],
        before_request=one_each,  # ?floor=1&floor=2: 400, as the stream answers it
        opt={"errors": (404,)},  # no such floor
    )
    async def live_state(
        request: Request,
        floor: Annotated[int | None, QueryParameter(ge=1, le=2**31, description="a floor id")] = None,
    ) -> dict:
        """The reasons and absences said in the reader's language (no Accept-Language: English, as stored)."""
        language = for_request(request.cookies, request.headers.get("accept-language"))
        return await store.read(lambda conn: floor_state(conn, floor, language))

    @get("/api/public/results", summary="Public: every computed round with its marks and reasons", tags=["live"])
    async def public_results(request: Request) -> dict:
        """The reasons and absences said in the reader's language (no Accept-Language: English, as stored)."""
        language = for_request(request.cookies, request.headers.get("accept-language"))
        return await store.read(lambda conn: published_here(conn, language))

    @get(
        "/api/setup/first-enrolment",
        summary="The box's own screen only: a scrutineer QR while nobody owns the box",
        tags=["box"],
        opt={"errors": (403,)},
    )
    async def first_enrolment(request: Request) -> dict:
        client = request.client.host if request.client else ""
        if client not in ("127.0.0.1", "::1"):
            raise Forbidden(_("only the box's own screen may show the first enrolment"), "client")
        made = await first_scrutineer_enrolment(ctx, FIRST_SCREEN_ENROLMENT)
        if made is None:
            return {"owned": True}
        return {"owned": False, "url": made.url, "qr_svg": made.qr_svg, "expires_at": made.expires_at.isoformat()}

    async def start_hub() -> None:
        hub.start(asyncio.get_running_loop())

    background: list[asyncio.Task] = []

    async def tell_systemd() -> None:
        notify("READY=1")
        background.append(asyncio.get_running_loop().create_task(watch(store)))

    def stop_hub() -> None:
        notify("STOPPING=1")
        for task in background:
            task.cancel()
        hub.close()

    async def start_mdns() -> None:
        if settings.mdns:
            from appliance.box.discovery import Advertiser

            competitions = await ctx.store.read(db_competitions.list_competitions)
            name = competitions[-1].name if competitions else settings.mdns_name
            advertiser.append(Advertiser(settings, name))
            try:
                await advertiser[0].start()
            except OSError as exc:  # the box still runs without mDNS; the QR code carries its IP
                log.warning("mDNS not available on %s: %s", ", ".join(settings.mdns_interfaces), exc)
                advertiser.clear()

    async def stop_mdns() -> None:
        for a in advertiser:
            await a.stop()

    def close_store() -> None:
        store.close()

    app = Litestar(
        route_handlers=[
            health,
            live,
            live_state,
            public_results,
            first_enrolment,
            CompetitionController,
            EventController,
            RegistrationController,
            RoundsController,
            ScheduleController,
            DeviceController,
            MarksController,
            OutcomesController,
            StarsController,
            PrintController,
            create_static_files_router(
                path="/", directories=[settings.web_path], html_mode=True, name="web", file_system=PageFiles()
            ),
        ],
        dependencies={
            "ctx": Provide(lambda: ctx, use_cache=True, sync_to_thread=False),
            "principal": Provide(principal),
        },
        exception_handlers={**EXCEPTION_HANDLERS, Replayed: replayed_response},
        before_send=[answer_recorder(ctx)],
        openapi_config=OpenAPIConfig(
            title="Floorcraft",
            version=__version__,
            path="/api/schema",
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
        ),
        on_startup=[start_hub, start_mdns, tell_systemd],
        on_shutdown=[stop_hub, stop_mdns, close_store],
        request_max_body_size=2 * 1024 * 1024,
        request_class=StrictRequest,  # bodies read strictly: no quoted numbers, no key twice
        state=State({"ctx": ctx, "hub": hub}),
        debug=False,
        logging_config=None,  # the process configures logging (stderr; journald keeps it)
        middleware=[lambda app: HostCheck(app, settings), RateLimit],
        type_encoders={Message: said_to_asker},  # a Message in an answer's body: in the asker's language
    )
    document(app)  # the OpenAPI document: the one error shape and every status each route answers
    handler = HeadAsGet(SchemaNotFound(app.asgi_handler))  # HEAD as GET; /api/schema/x: the error shape
    app.asgi_handler = SecurityHeaders(handler, settings.web_path, settings.tls)  # every answer, 404 and 405 too
    return app
