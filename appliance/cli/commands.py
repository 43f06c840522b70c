"""What each `floorcraft` command does, given its parsed arguments (args.settings holds the settings)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import signal
import sys
from pathlib import Path

from appliance import startup
from appliance.box.datalock import exclusive
from appliance.cli import calculator
from appliance.cli.terminal import fail as _fail
from appliance.cli.terminal import reason, said, tell
from appliance.db import competitions as db_competitions
from appliance.db.store import Store, StoreError
from appliance.errors import AppError
from appliance.i18n import _, _n
from appliance.model.devices import EnrolmentIn
from appliance.scoring import MarksError
from appliance.services import Context, enrolment, registration
from appliance.settings import Settings
from appliance.trust import tls


def _open(args: argparse.Namespace) -> Store:
    from appliance.trust.checkpoints import attach

    store = Store(args.settings.database_path)
    attach(store, Path(args.settings.data_dir))  # every write from the CLI is checkpointed at close too
    return store


def skate(args: argparse.Namespace) -> int:
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        return _fail(_("cannot read {file}: {reason}", file=args.file, reason=exc.strerror), command="skate")
    try:
        sheet = calculator.parse_sheet(data)
        result = calculator.compute(sheet)
    except MarksError as exc:
        return _fail(reason(exc), command="skate")
    for warning in getattr(result, "warnings", ()):
        tell(_("warning: {warning}", warning=warning), file=sys.stderr)
    if args.json:
        json.dump(calculator.to_json(result), sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(calculator.to_report(sheet, result, said))  # the report in the terminal's language
    return 0


@exclusive("demo")
async def demo(args: argparse.Namespace) -> int:
    from appliance.demo import load_demo
    from appliance.simulate import SimulationError  # with httpx: not in the server's idle memory

    try:
        store = _open(args)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        ctx = Context(store, args.settings)
        competitions = store.read_sync(db_competitions.list_competitions)
        if competitions and args.simulate:
            cid = competitions[-1].id
        else:
            cid = await load_demo(ctx)
            tell(_("demo competition {id} created in {path}", id=cid, path=str(args.settings.database_path)))
        if args.simulate:
            summary = await _simulate_in_process(ctx, cid)
            tell(
                _(
                    "judged to official results: {rounds} rounds, {sheets} sheets, "
                    "{ties} ties at the cut decided, {finals} finals signed off",
                    rounds=summary.rounds,
                    sheets=summary.sheets,
                    ties=summary.ties_decided,
                    finals=summary.finals_signed,
                )
            )
    except SimulationError as exc:
        return _fail(_("simulation failed: {reason}", reason=reason(exc)), 1)
    finally:
        store.close()
    return 0


async def _simulate_in_process(ctx: Context, competition_id: int):
    """Simulated tablets judging every event, through the app's HTTP interface (in process, signed requests)."""
    import httpx

    from appliance.app import create_app
    from appliance.simulate import Simulation
    from appliance.trust.client import SignedClient

    app = create_app(ctx.settings, ctx.store)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]  # httpx's ASGI type is narrower than Litestar's
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        made = await enrolment.create_enrolment(ctx, EnrolmentIn("scrutineer"))
        desk = await SignedClient.enrol(http, made.url)
        return await Simulation(http, desk, competition_id, seed=2026).run()


async def simulate_against(settings: Settings, store: Store, pace: float) -> None:
    """Background task of `serve --simulate PACE`: judges at a realistic pace through the server's own HTTP port."""
    import httpx

    from appliance.simulate import Simulation, SimulationError
    from appliance.trust.client import SignedClient

    ctx = Context(store, settings)
    base = f"{'https' if settings.tls else 'http'}://127.0.0.1:{settings.port}"
    async with httpx.AsyncClient(base_url=base, timeout=10, verify=tls.loopback_client(settings)) as http:
        for _ in range(100):
            try:
                if (await http.get("/api/health")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        # the simulated judges mark the newest competition whose registration is closed (the demo's), not one
        # still being set up beside it
        competitions = [c for c in store.read_sync(db_competitions.list_competitions) if c.registration == "closed"]
        if not competitions:
            logging.getLogger(__name__).info("simulated judges: no competition with registration closed to judge")
            return
        made = await enrolment.create_enrolment(ctx, EnrolmentIn("scrutineer"))
        desk = await SignedClient.enrol(http, made.url)
        try:
            summary = await Simulation(http, desk, competitions[-1].id, seed=2026, pace=pace).run()
            logging.getLogger(__name__).info("simulated judges finished: %s", summary)
        except SimulationError as exc:
            logging.getLogger(__name__).warning("simulated judges stopped: %s", exc)


@exclusive("serve")  # held for the server's whole life
def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from appliance.app import create_app
    from appliance.demo import load_demo
    from appliance.live import fanout
    from appliance.trust.connections import KEEP_ALIVE, guarded
    from appliance.trust.redact import install as redact_logs

    settings = args.settings
    startup.configure_logging(settings)
    try:
        listener = startup.listen(settings)
    except startup.LISTEN_ERRORS as exc:
        return _fail(reason(exc))
    try:
        store = _open(args)
    except StoreError as exc:
        listener.close()
        return _fail(reason(exc))
    ctx = Context(store, settings)
    if args.demo and not store.read_sync(db_competitions.list_competitions):
        asyncio.run(load_demo(ctx))
    first = asyncio.run(enrolment.first_scrutineer_enrolment(ctx, FIRST_ENROLMENT))
    protocol = guarded(settings)  # raises the open-file limit first: create_app's viewers' cap depends on it
    app = create_app(settings, store)
    fanout.attach(app, settings, store)  # live results on other cores (FLOORCRAFT_LIVE_WORKERS)
    _background(app, settings, store, args.simulate)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="uvloop",
        http=protocol,
        ws="none",
        timeout_keep_alive=KEEP_ALIVE,
        lifespan="on",
        **startup.uvicorn_options(settings),
    )
    redact_logs()  # after uvicorn.Config set its loggers up: no token or enrolment secret in any log line
    startup.introduce(settings, first)
    # uvicorn stops gracefully on SIGTERM, puts back the handler it found and raises the signal again: with this
    # handler found, a complete graceful stop exits 0 (and a SIGTERM before uvicorn listens exits 0 at once)
    signal.signal(signal.SIGTERM, _stopped)
    startup.settle()
    _graceful(uvicorn.Server, app.state["hub"])(config).run(sockets=[listener])
    return 0


def _background(app, settings: Settings, store: Store, simulate: float) -> None:
    """The server's background tasks, started and stopped with it: cloud sync, federation upload, simulated judges."""
    tasks: list[asyncio.Task] = []

    async def start() -> None:
        loop = asyncio.get_running_loop()
        if settings.cloud_url:
            from appliance.box.sync import Syncer

            tasks.append(loop.create_task(Syncer(store, settings).run()))
        if settings.federation_url:  # the ESV results upload, from the same outbox (the change log)
            from appliance.federation.upload import Uploader

            tasks.append(loop.create_task(Uploader(store, settings).run()))
        if simulate:
            tasks.append(loop.create_task(simulate_against(settings, store, simulate)))

    async def stop() -> None:
        for task in tasks:
            task.cancel()

    app.on_startup.append(start)
    app.on_shutdown.insert(0, stop)


def _stopped(signum: int, frame) -> None:
    raise SystemExit(0)


def _graceful(base: type, hub) -> type:
    """uvicorn's Server, ending the live streams as the graceful stop begins (not when its timeout cuts them)."""

    class Server(base):
        async def shutdown(self, sockets=None) -> None:
            hub.close()  # every open stream sends its last chunk and ends: its connection can close at once
            await super().shutdown(sockets)

    return Server


FIRST_ENROLMENT = dt.timedelta(minutes=15)


@exclusive("enrol")
async def enrol(args: argparse.Namespace) -> int:
    if args.judge is not None and args.role != "adjudicator":
        return _fail(_("--judge is only for --role adjudicator"), command="enrol")
    try:
        store = _open(args)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        made = await enrolment.create_enrolment(
            Context(store, args.settings), EnrolmentIn(args.role, args.competition, args.judge)
        )
    except AppError as exc:
        return _fail(exc.message)
    finally:
        store.close()
    startup.print_enrolment(made, _("Scan with the device to enrol"))
    return 0


def cloud(args: argparse.Namespace) -> int:
    """The cloud receiver, logged and served as `serve` is: the project's log format and level (uvicorn's lines
    too, the access log at debug only), tokens redacted, https with FLOORCRAFT_TLS_CERT and FLOORCRAFT_TLS_KEY
    (checked first), the port bound before the database is opened."""
    import uvicorn

    from appliance.cloud import create_cloud_app
    from appliance.trust.redact import install as redact_logs

    settings = args.settings
    startup.configure_logging(settings)
    try:
        listener = startup.listen(settings)
    except startup.LISTEN_ERRORS as exc:
        return _fail(reason(exc))
    try:
        app = create_cloud_app(Path(settings.data_dir), settings.web_path, settings)
    except StoreError as exc:
        listener.close()
        return _fail(reason(exc))
    scheme = "https" if settings.tls else "http"
    tell(_("Floorcraft cloud receiver on {url}", url=f"{scheme}://{settings.host}:{settings.port}/cloud/"), flush=True)
    signal.signal(signal.SIGTERM, _stopped)  # a graceful stop exits 0 (see serve)
    config = uvicorn.Config(app, loop="uvloop", http="httptools", **startup.uvicorn_options(settings))
    redact_logs()
    uvicorn.Server(config).run(sockets=[listener])
    return 0


class _ProgressBar:
    def __init__(self, stream=sys.stderr, width: int = 30):
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int) -> None:
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] {done}/{total}")
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


@exclusive("import-entries")
async def import_entries(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(_("cannot read {file}: {reason}", file=args.file, reason=str(exc)))
    try:
        store = _open(args)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        report = await registration.import_entries(
            Context(store, args.settings), args.competition, text, args.skip_invalid, _ProgressBar()
        )
    except AppError as exc:
        return _fail(exc.message)
    finally:
        store.close()
    for error in report.errors:
        tell(_("row {row}: {field}: {message}", row=error.row, field=error.field, message=error.message), sys.stderr)
    if report.errors and not args.skip_invalid:
        return _fail(
            _n(
                "1 row has errors; nothing was imported (or use --skip-invalid)",
                "{n} rows have errors; nothing was imported (or use --skip-invalid)",
                len(report.errors),
            )
        )
    tell(
        _(
            "imported {imported} of {rows} rows ({skipped} skipped)",
            imported=report.imported,
            rows=report.rows,
            skipped=report.skipped,
        )
    )
    return 0
