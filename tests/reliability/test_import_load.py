"""Long work never blocks judging (issue #9, point 3): while a 20,000-row CSV import runs through the API, a
judge's signed sheet answers in < 2 s and the systemd watchdog keeps pinging."""

from __future__ import annotations

import asyncio
import itertools
import socket
import sqlite3
import threading
import time

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

ROWS = 20_000
BOUND = 2.0  # seconds: the bound for the judge's sheet
WATCHDOG_USEC = 2_000_000  # systemd kills the box after 2 s without a ping; the box pings every 1 s while healthy


class Pings:
    """Every datagram sent to a NOTIFY_SOCKET, stamped with time.monotonic() as it arrives (a reader thread)."""

    def __init__(self, address: str):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(address)
        self.sock.settimeout(0.2)
        self.got: list[tuple[float, str]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while not self.stop.is_set():
            try:
                self.got.append((time.monotonic(), self.sock.recv(4096).decode()))
            except TimeoutError:
                continue

    def watchdog(self, start: float, end: float) -> list[float]:
        return [t for t, message in self.got if message == "WATCHDOG=1" and start <= t <= end]

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def box(tmp_path):
    pings = Pings(str(tmp_path / "notify.sock"))
    server = Server(
        tmp_path, demo=True, env={"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": str(WATCHDOG_USEC)}
    ).start()
    yield server, pings
    server.kill()
    pings.close()


def _csv(rows: int) -> bytes:
    lines = ["leader,follower,club,country,events"]
    lines += [f"Leader {i},Follower {i},Club {i % 97},GER,Import Standard;Import Latin" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


async def _ready(server: Server, http: httpx.AsyncClient) -> tuple[SignedClient, SignedClient, int, str, dict]:
    """The scrutineer, judge A of the demo with floor 1 started, and a second competition open for entries."""
    desk = await SignedClient.enrol(http, server.first_enrolment_url())
    made = (await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "A"})).json()
    judge = await SignedClient.enrol(http, made["url"])
    assert (await desk.post("/api/floors/1/start")).status_code == 200
    task = (await judge.get("/api/judge/tasks")).json()["tasks"][0]
    path = f"/api/rounds/{task['round_id']}/sheets/{task['dance']}"
    body = (
        {"places": {str(b): i + 1 for i, b in enumerate(task["bibs"])}}
        if task["kind"] == "final"
        else {"crosses": task["bibs"][: task["recall"]]}
    )
    comp = (
        await desk.post(
            "/api/competitions/",
            {"name": "Import Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
        )
    ).json()
    for name, style, dances in (("Import Standard", "standard", ["W", "T"]), ("Import Latin", "latin", ["C", "S"])):
        response = await desk.post(
            f"/api/competitions/{comp['id']}/events", {"name": name, "style": style, "dances": dances}
        )
        assert response.status_code == 201, response.text
    return desk, judge, comp["id"], path, body


async def _head(http: httpx.AsyncClient) -> int:
    return (await http.get("/api/health")).json()["change_log_head"]


async def test_a_judges_sheet_answers_and_the_watchdog_pings_during_a_20000_row_import(box):
    server, pings = box
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        desk, judge, competition_id, path, body = await _ready(server, http)
        before = await _head(http)
        started = time.monotonic()
        importing = asyncio.ensure_future(
            desk.request(
                "POST",
                f"/api/competitions/{competition_id}/entries/import",
                None,
                content=_csv(ROWS),
                headers={"content-type": "text/csv"},
            )
        )
        # the import is in flight once its first rows are written (bounded: 10 s, then send the sheet anyway)
        deadline = time.monotonic() + 10
        while await _head(http) == before and not importing.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        sent = time.monotonic()
        try:
            async with asyncio.timeout(BOUND + 8):
                response = await judge.post(path, body, idempotency_key="sheet-during-import")
        except TimeoutError:
            pytest.fail(f"the judge's sheet got no answer within {BOUND + 8:.0f} s during the import")
        took = time.monotonic() - sent
        assert response.status_code == 200, response.text
        assert not importing.done(), "the import was over before the sheet was sent: nothing was proved"
        assert took < BOUND, f"the judge's sheet took {took:.1f} s during the import"
        async with asyncio.timeout(90):
            report = await importing
        ended = time.monotonic()
    assert report.status_code == 200, report.text
    assert report.json() == {"rows": ROWS, "imported": ROWS, "skipped": 0, "errors": []}
    print(f"\n{ROWS}-row import through the API: {ended - started:.1f} s")
    # systemd would have killed the box had any gap between pings during the import reached WATCHDOG_USEC
    beats = [started, *pings.watchdog(started, ended), ended]
    gaps = [round(b - a, 2) for a, b in itertools.pairwise(beats)]
    assert max(gaps) < WATCHDOG_USEC / 1e6, f"the watchdog went silent during the import: gaps {gaps} s"
    server.kill()
    conn = sqlite3.connect(server.data_dir / "floorcraft.sqlite3")
    assert (
        conn.execute(
            "SELECT count(*) FROM entries WHERE event_id IN (SELECT id FROM events WHERE competition_id = ?)",
            (competition_id,),
        ).fetchone()[0]
        == 2 * ROWS
    )
    assert conn.execute("SELECT count(*) FROM change_log WHERE kind = 'couple.entered'").fetchone()[0] >= ROWS
    conn.close()


async def test_a_bad_row_at_the_end_of_a_large_file_writes_nothing(box):
    server, _ = box
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        desk, _, competition_id, _, _ = await _ready(server, http)
        before = await _head(http)
        bad = _csv(5_000) + b"Leader 0,Follower 0,Club,GER,Import Standard\nLast,One,Club,GER,No Such Event\n"
        response = await desk.request(
            "POST",
            f"/api/competitions/{competition_id}/entries/import",
            None,
            content=bad,
            headers={"content-type": "text/csv"},
        )
        assert response.status_code == 422, response.text
        rows = {d["row"]: d["message"] for d in response.json()["error"]["details"]}
        assert set(rows) == {5_002, 5_003} and "already entered" in rows[5_002] and "unknown event" in rows[5_003]
        assert await _head(http) == before
        entries = (await desk.get(f"/api/competitions/{competition_id}/entries")).json()
        assert entries == []


async def test_closing_registration_waits_for_a_running_import(box):
    server, _ = box
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        desk, _, competition_id, _, _ = await _ready(server, http)
        made = (await desk.post("/api/enrolments", {"role": "scrutineer", "competition_id": competition_id})).json()
        second = await SignedClient.enrol(http, made["url"])  # a device sends one request at a time
        before = await _head(http)
        importing = asyncio.ensure_future(
            desk.request(
                "POST",
                f"/api/competitions/{competition_id}/entries/import",
                None,
                content=_csv(ROWS),
                headers={"content-type": "text/csv"},
            )
        )
        deadline = time.monotonic() + 10
        while await _head(http) == before and not importing.done() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        closing = await second.post(f"/api/competitions/{competition_id}/close-registration", {"seed": 1})
        assert not importing.done()
        assert closing.status_code == 409 and "import is running" in closing.json()["error"]["message"]
        async with asyncio.timeout(90):
            assert (await importing).json()["imported"] == ROWS
        closed = await desk.post(f"/api/competitions/{competition_id}/close-registration", {"seed": 1})
        assert closed.status_code == 200, closed.text


async def test_a_couple_registered_while_the_import_runs_is_entered_once(tmp_path):
    """The documented choice for concurrent changes: a step finds the entry a registration made meanwhile and does
    not make it again; every other row is imported and the change log replays to the same tables."""
    import datetime as dt

    from appliance.audit import audit
    from appliance.db.store import Store
    from appliance.model.competition import CompetitionIn, EventIn
    from appliance.model.registration import CoupleIn
    from appliance.services import Context, registration, setup
    from appliance.settings import Settings

    store = Store(tmp_path / "floorcraft.sqlite3")
    ctx = Context(store, Settings(data_dir=str(tmp_path), mdns=False))
    comp = await setup.create_competition(ctx, CompetitionIn("Cup", dt.date(2026, 12, 5), dt.date(2026, 12, 5), "Hall"))
    for name, style, dances in (("Import Standard", "standard", ["W"]), ("Import Latin", "latin", ["C"])):
        await setup.create_event(ctx, comp.id, EventIn(name, style, dances))
    rows = 3_000
    importing = asyncio.ensure_future(registration.import_entries(ctx, comp.id, _csv(rows).decode()))
    before = store.last_seq
    async with asyncio.timeout(60):
        while store.last_seq == before:  # the first step is written: the rest are still to come
            await asyncio.sleep(0.005)
    assert not importing.done()
    late = await registration.add_entry(ctx, 1, CoupleIn(f"Leader {rows - 1}", f"Follower {rows - 1}"))
    report = await importing
    assert (report.imported, report.errors) == (rows, [])
    entries = store.read_sync(
        lambda conn: conn.execute(
            "SELECT event_id, count(*) FROM entries WHERE couple_id = ? GROUP BY event_id", (late.couple.id,)
        ).fetchall()
    )
    assert [tuple(e) for e in entries] == [(1, 1), (2, 1)]  # entered once in each event, not twice
    store.close()
    conn = sqlite3.connect(f"file:{tmp_path / 'floorcraft.sqlite3'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    assert audit(conn, tmp_path).problems == []  # the log replays to exactly the tables
    conn.close()
