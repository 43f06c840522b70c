"""Issue 13, points 2 and 5: live results from fan-out worker processes (appliance/live/fanout.py and worker.py).

A real `floorcraft serve` with FLOORCRAFT_LIVE_WORKERS=2. Viewers follow /api/live the way a page's EventSource
does (on a closed stream they reconnect with Last-Event-ID); while the floor moves and a judge's sheets arrive,
one worker is killed with SIGKILL mid-stream. Every viewer still gets every public event exactly once, in seq
order, the server restarts the worker, and the frames are the same bytes whichever process served them.
Untimed: every wait is bounded in count and time and polls for the state it needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from pathlib import Path

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

VIEWERS = 6
WAIT = 30.0  # seconds any one wait may take at most (a bound, not a pace)


class Follower:
    """One viewer: reads SSE frames, reconnects with Last-Event-ID when the stream ends, until it has `target`."""

    def __init__(self, base: str, floor: int | None = None):
        self.base, self.floor = base, floor
        self.frames: list[tuple[int, str, str]] = []  # (id, event, data) in the order received
        self.served_by: list[str | None] = []  # x-live-worker of each connection (None: the server itself)
        self.connected = asyncio.Event()
        self.last: int | None = None

    async def run(self, target: asyncio.Future[int]) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=WAIT) as http, asyncio.timeout(WAIT * 2):
            for _ in range(50):  # connections at most
                if target.done() and self.last is not None and self.last >= target.result():
                    return
                with contextlib.suppress(httpx.TransportError):
                    await self._one(http, target)

    async def _one(self, http: httpx.AsyncClient, target: asyncio.Future[int]) -> None:
        headers = {} if self.last is None else {"Last-Event-ID": str(self.last)}
        params = {} if self.floor is None else {"floor": self.floor}
        async with http.stream("GET", "/api/live", headers=headers, params=params) as response:
            assert response.status_code == 200
            self.served_by.append(response.headers.get("x-live-worker"))
            self.connected.set()
            frame: dict[str, str] = {}
            async for line in response.aiter_lines():
                if line == "" and "id" in frame:
                    self.frames.append((int(frame["id"]), frame["event"], frame["data"]))
                    self.last = int(frame["id"])
                    if target.done() and self.last >= target.result():
                        return
                    frame = {}
                elif line and not line.startswith(":") and ":" in line:
                    key, _, value = line.partition(":")
                    frame[key] = value.removeprefix(" ")


async def _ready(server: Server, index: int, not_pid: int = 0) -> int:
    """The pid of worker `index` once the server logs it ready (another pid than `not_pid`), polled, bounded."""
    async with asyncio.timeout(WAIT):
        while True:
            found = re.findall(rf"live fan-out worker {index} ready \(pid (\d+)\)", server.log_path.read_text())
            if found and int(found[-1]) != not_pid:
                return int(found[-1])
            await asyncio.sleep(0.05)  # the worker starts: look again (bounded above)


async def _woken(server: Server, not_pids: tuple[int, int] = (0, 0)) -> list[int]:
    """The first viewer starts the workers (an idle box runs none): a stream is opened and closed once both are
    ready; their pids (others than `not_pids`). At log level debug, also until the server counts it ended."""
    async with httpx.AsyncClient(base_url=server.base, timeout=WAIT) as http, asyncio.timeout(WAIT):
        async with http.stream("GET", "/api/live") as response:
            assert response.status_code == 200 and response.headers["x-live-worker"] in ("0", "1")
        debug = server.env.get("FLOORCRAFT_LOG_LEVEL") == "debug"
        while debug and "1 of its 1 streams ended" not in server.log_path.read_text():
            await asyncio.sleep(0.05)  # the worker sees the close and tells the server (bounded above)
    return [await _ready(server, index, not_pid=not_pids[index]) for index in (0, 1)]


class Officials:
    """The desk moves floor 1 and judge A sends the sheet of every dance it is given."""

    def __init__(self, desk: SignedClient, judge: SignedClient):
        self.desk, self.judge = desk, judge
        self.sheets = 0

    async def step(self) -> None:
        for task in (await self.judge.get("/api/judge/tasks")).json()["tasks"]:
            if task["sent"]:
                continue
            path = f"/api/rounds/{task['round_id']}/sheets/{task['dance']}"
            body = {"crosses": task["bibs"][: task["recall"]]}
            if (await self.judge.post(path, body)).status_code == 200:
                self.sheets += 1
        assert (await self.desk.post("/api/floors/1/next")).status_code == 200

    async def head(self) -> int:
        return (await self.desk.http.get("/api/health")).json()["change_log_head"]


async def _officials(server: Server, http: httpx.AsyncClient) -> Officials:
    desk = await SignedClient.enrol(http, server.first_enrolment_url())
    made = (await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "A"})).json()
    judge = await SignedClient.enrol(http, made["url"])
    assert (await desk.post("/api/floors/1/start")).status_code == 200
    return Officials(desk, judge)


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path, env={"FLOORCRAFT_LIVE_WORKERS": "2"}).start()
    yield running
    running.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


async def test_a_killed_worker_is_restarted_and_every_viewer_gets_every_event_once_in_order(server):
    pids = dict(enumerate(await _woken(server)))
    async with httpx.AsyncClient(base_url=server.base, timeout=WAIT) as http:
        officials = await _officials(server, http)
        target: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        viewers = [Follower(server.base, floor=1 if i % 3 == 2 else None) for i in range(VIEWERS)]
        running = [asyncio.ensure_future(v.run(target)) for v in viewers]
        async with asyncio.timeout(WAIT):
            await asyncio.gather(*(v.connected.wait() for v in viewers))
        assert {v.served_by[0] for v in viewers} == {"0", "1"}  # the fewest-viewers choice spreads them
        for _ in range(3):
            await officials.step()
        victim = viewers[0].served_by[0]
        os.kill(pids[int(victim)], signal.SIGKILL)  # mid-stream: its viewers' connections drop
        for _ in range(3):  # sheets and moves go on while it is down and restarts
            await officials.step()
        restarted = await _ready(server, int(victim), not_pid=pids[int(victim)])  # the supervisor restarted it
        for _ in range(3):
            await officials.step()
        target.set_result(await officials.head())
        await officials.step()  # something after the target, for the viewers that had it before it was set
        async with asyncio.timeout(WAIT * 2):
            await asyncio.gather(*running)
        late = Follower(server.base)  # a viewer that arrives now goes to the restarted worker, with the fewest
        late.last = start = viewers[0].frames[0][0]
        await late.run(target)

    assert officials.sheets >= 2
    assert not _alive(pids[int(victim)]) and _alive(restarted)
    assert f"live fan-out worker {victim} ended" in server.log_path.read_text()
    assert late.served_by == [victim]
    cut = [v for v in viewers if v.served_by[0] == victim]
    assert cut and all(len(v.served_by) >= 2 for v in cut)  # its viewers lost the stream and resumed
    everything: dict[int, tuple[str, str]] = {}
    for viewer in sorted([*viewers, late], key=lambda v: v.floor is not None):  # every stream's frames first
        ids = [frame[0] for frame in viewer.frames]
        assert ids == sorted(set(ids)), f"viewer served by {viewer.served_by}: an event twice or out of order"
        assert ids[-1] >= target.result()
        for seq, event, data in viewer.frames[viewer is not late :]:
            if seq > target.result():
                break  # past its state: the same bytes everywhere
            assert everything.setdefault(seq, (event, data)) == (event, data)
            assert viewer.floor is None or '"floor_id":1' in data or '"floor_id":null' in data
    for viewer in viewers:  # none missed an event: each has every seq published after its start (its floor's)
        first = viewer.frames[0][0]
        expected = [s for s in sorted(everything) if s > first]
        if viewer.floor is not None:
            expected = [s for s in expected if '"floor_id":2' not in everything[s][1]]
        assert [s for s, _, _ in viewer.frames[1:] if s <= target.result()] == expected
    assert [s for s, _, _ in late.frames if s <= target.result()] == [s for s in sorted(everything) if s > start]


async def test_sigterm_ends_the_workers_streams_cleanly_and_kill_9_leaves_no_worker_behind(server):
    pids = await _woken(server)
    async with httpx.AsyncClient(base_url=server.base, timeout=WAIT) as http:
        streams = [http.stream("GET", "/api/live") for _ in range(4)]
        opened = [await s.__aenter__() for s in streams]
        assert {r.headers.get("x-live-worker") for r in opened} == {"0", "1"}
        code = await asyncio.to_thread(server.terminate)  # asserts exit status 0
        for response in opened:  # each stream was ended by its worker: the chunked body is complete
            assert b"retry: 2000" in await response.aread()
        for s in streams:
            await s.__aexit__(None, None, None)
    assert code == 0 and "timeout graceful shutdown exceeded" not in server.log_path.read_text()
    async with asyncio.timeout(WAIT):
        while any(_alive(pid) for pid in pids):
            await asyncio.sleep(0.05)  # the workers end (bounded above)
    server.start()
    pids = await _woken(server, not_pids=(pids[0], pids[1]))  # the new server's workers
    server.proc.kill()  # the server dies: its workers see their sockets close and end too
    server.proc.wait(WAIT)
    async with asyncio.timeout(WAIT):
        while any(_alive(pid) for pid in pids):
            await asyncio.sleep(0.05)


async def test_a_worker_whose_feed_dropped_messages_resyncs_from_the_database(tmp_path):
    """The writer never waits: a message a slow worker could not take is dropped (here: never sent), and one too
    large goes without its rows. The worker, seeing the gap, reads the rows it missed from the database, so its
    viewer still gets every event once, in order."""
    import socket

    import msgspec

    from appliance.db import changelog
    from appliance.db.store import Store
    from appliance.live.worker import Reader, Worker

    store = Store(tmp_path / "floorcraft.sqlite3")
    feed, feed_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    control, control_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    worker = Worker(feed_end, control_end, Reader(store.path))
    worker.start(asyncio.get_running_loop())
    follower = asyncio.ensure_future(worker.follow())
    sent: list[bytes] = []
    gone = asyncio.Event()

    async def receive():
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message.get("body", b""))

    def move(conn, n: int) -> None:
        item = {"event_id": None, "position": n}
        changelog.append(conn, "floor.next", "floor/1", {"state": "running", "item": item}, "2026-12-05T10:00:00")

    async def commit(n: int, how: str) -> None:
        after = store.last_seq
        await store.write(lambda conn: move(conn, n))
        rows = [[store.last_seq, "floor.next", "floor/1", "ignored"]] if how == "sent" else None
        if how != "dropped":
            feed.send(msgspec.msgpack.encode({"after": after, "head": store.last_seq, "rows": rows}))
        if how == "sent":  # the rows the message carries are published as they are: give the real payload
            rows[0][3] = await store.read(lambda conn: changelog.rows_after(conn, after)[0]["payload"])

    viewer = asyncio.ensure_future(stream_from(worker, receive, send, last_event_id=store.last_seq))
    for n, how in enumerate(["dropped", "dropped", "too large", "dropped"]):
        await commit(n, how)
    async with asyncio.timeout(WAIT):
        while b"".join(sent).count(b"event: floor.next") < 3:
            await asyncio.sleep(0.01)  # the worker reads the database (bounded above)
    await commit(4, "too large")
    async with asyncio.timeout(WAIT):
        while b"".join(sent).count(b"event: floor.next") < 5:
            await asyncio.sleep(0.01)
    gone.set()
    await asyncio.wait_for(viewer, WAIT)
    follower.cancel()
    ids = [int(line[4:]) for line in b"".join(sent).decode().splitlines() if line.startswith("id: ")]
    assert ids == [1, 2, 3, 4, 5], sent  # each once, in order, although three messages never came and two had no rows
    for sock in (feed, control, feed_end, control_end):
        sock.close()
    store.close()


async def stream_from(worker, receive, send, last_event_id: int) -> None:
    from appliance.live.stream import stream

    scope = {"query_string": b"", "headers": [(b"last-event-id", str(last_event_id).encode())]}
    await stream(worker.hub, scope, receive, send, worker.hub.state_frame)
