"""The live stream: T7 (resume across a restart with Last-Event-ID), T8 (SIGTERM with open streams), and what
is public."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import httpx
import pytest

from appliance.live.stream import public_event
from appliance.trust.client import SignedClient
from tests.server import Server


async def read_events(
    base: str,
    count: int,
    last_event_id: int | None = None,
    floor: int | None = None,
    timeout: float = 10,
    first: asyncio.Event | None = None,
) -> list[tuple[int, str, dict]]:
    """Read `count` SSE frames (bounded in time), as (id, event, data); `first` is set once the first is in."""
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    params = {"floor": floor} if floor is not None else {}
    events: list[tuple[int, str, dict]] = []
    frame: dict[str, str] = {}
    async with httpx.AsyncClient(base_url=base, timeout=timeout) as http:
        async with asyncio.timeout(timeout):
            async with http.stream("GET", "/api/live", headers=headers, params=params) as response:
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/event-stream")
                async for line in response.aiter_lines():
                    if line == "":
                        if "id" in frame:
                            events.append((int(frame["id"]), frame["event"], json.loads(frame["data"])))
                            if first is not None:
                                first.set()
                            if len(events) == count:
                                return events
                        frame = {}
                    elif not line.startswith(":") and ":" in line:
                        key, _, value = line.partition(":")
                        frame[key] = value.strip()
    return events


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


async def _desk(server: Server, http: httpx.AsyncClient) -> SignedClient:
    return await SignedClient.enrol(http, server.first_enrolment_url())


async def _moves(desk: SignedClient, *moves: str) -> None:
    for move in moves:
        response = await desk.post(f"/api/floors/1/{move}")
        assert response.status_code == 200, response.text


async def test_t7_a_viewer_resumes_exactly_across_a_server_restart(server):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        opened = asyncio.Event()
        reader = asyncio.ensure_future(read_events(server.base, 4, first=opened))
        async with asyncio.timeout(10):
            await opened.wait()  # its state frame is in: the moves are live events
        await _moves(desk, "start", "next", "next")
        first = await reader
    assert first[0][1] == "state" and [e[1] for e in first[1:]] == ["floor.start", "floor.next", "floor.next"]
    ids = [e[0] for e in first]
    assert ids == sorted(ids) and len(set(ids)) == 4
    seen_k = ids[2]  # the viewer drops after the 2nd move; the 3rd is missed

    assert server.terminate() == 0  # a graceful stop exits 0, not by the signal
    server.start()
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk.http = http
        opened = asyncio.Event()
        reader = asyncio.ensure_future(read_events(server.base, 3, last_event_id=seen_k, first=opened))
        async with asyncio.timeout(10):
            await opened.wait()  # the missed event is in
        await _moves(desk, "next", "previous")
        resumed = await reader
    assert next(e[0] for e in resumed) == ids[3]  # the missed event first, exactly once
    assert [e[1] for e in resumed] == ["floor.next", "floor.next", "floor.previous"]
    assert [e[0] for e in resumed] == sorted({e[0] for e in resumed})


async def test_a_viewer_may_follow_one_floor(server):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        started = [asyncio.Event(), asyncio.Event()]
        main = asyncio.ensure_future(read_events(server.base, 2, floor=1, first=started[0]))
        second = asyncio.ensure_future(read_events(server.base, 2, floor=2, first=started[1]))
        async with asyncio.timeout(10):  # each has its state frame: what happens next is a live event
            await asyncio.gather(*(event.wait() for event in started))
        await _moves(desk, "start")
        assert (await desk.post("/api/floors/2/start")).status_code == 200
        got_main, got_second = await main, await second
    assert got_main[1][2]["floor_id"] == 1 and got_second[1][2]["floor_id"] == 2
    bad = httpx.get(f"{server.base}/api/live?floor=abc", timeout=5)
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "floor"


def test_t8_sigterm_with_open_streams_exits_within_the_stop_timeout(server):
    async def hold_streams():
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
            streams = [http.stream("GET", "/api/live") for _ in range(20)]
            opened = [await s.__aenter__() for s in streams]
            assert all(r.status_code == 200 for r in opened)
            start = time.monotonic()
            server.proc.send_signal(15)
            code = await asyncio.to_thread(server.proc.wait, 15)
            elapsed = time.monotonic() - start
            for s in streams:
                with contextlib.suppress(httpx.HTTPError):
                    await s.__aexit__(None, None, None)
            return code, elapsed

    code, elapsed = asyncio.run(hold_streams())
    assert code == 0 and elapsed < server.stop_timeout + 3, (code, elapsed)  # exit 0: not killed by the signal
    # the streams ended as the stop began, they were not cut off when the stop timeout ran out
    assert "timeout graceful shutdown exceeded" not in server.log_path.read_text()


def test_the_public_stream_never_carries_a_mark_before_computing():
    submitted = {
        "round_id": 1,
        "event_id": 2,
        "dance": "W",
        "judge": "C",
        "marks": [101, 102],
        "checksum": "abc",
        "version": 1,
        "keyed_by": None,
    }
    assert public_event("sheet.submitted", submitted) == {"round_id": 1, "event_id": 2, "dance": "W", "judge": "C"}
    for private in ("couple.entered", "device.enrolled", "enrolment.created", "chair.pin_set", "entry.scratched"):
        assert public_event(private, {}) is None
    computed = {
        "round_id": 1,
        "event_id": 2,
        "kind": "recall",
        "state": "computed",
        "result": {"totals": {"101": 3}, "recalled": [101], "tie_at_cut": False, "cut_options": []},
    }
    assert "totals" not in public_event("round.computed", computed)


async def test_the_polling_state_matches_the_stream_state(server):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        await _moves(desk, "start")
        polled = (await http.get("/api/live/state")).json()
        streamed = (await read_events(server.base, 1))[0]
    assert streamed[1] == "state" and streamed[2] == polled and streamed[0] == polled["seq"]
    assert polled["floors"][0]["state"] == "running" and polled["floors"][0]["now"]["position"] == 1


async def test_an_idle_stream_sends_keep_alive_comments(monkeypatch, tmp_path):
    from appliance.db.store import Store
    from appliance.live import stream as live

    monkeypatch.setattr(live, "KEEPALIVE", 0.05)
    store = Store(tmp_path / "k.sqlite3")
    hub = live.Hub(store)
    hub.start(asyncio.get_running_loop())
    sent: list[dict] = []
    disconnect = asyncio.Event()

    async def receive():
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    async def state_frame(floor):
        return 0, b"id: 0\nevent: state\ndata: {}\n\n"

    task = asyncio.ensure_future(live.stream(hub, {"query_string": b"", "headers": []}, receive, send, state_frame))
    await asyncio.sleep(0.3)
    disconnect.set()
    await asyncio.wait_for(task, 5)
    store.close()
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    assert b"event: state" in bodies[0] and bodies.count(b": keep-alive\n\n") >= 3
    assert not hub.viewers  # the viewer is gone once it disconnects
