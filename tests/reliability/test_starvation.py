"""Issue 9, point 2: the audience never starves the officials.

A real `floorcraft serve` runs with the systemd default open-file limit (`ulimit -n 1024`, soft = hard, so the
server cannot raise it). While 1,100 idle or slowloris connections, or 1,100 live streams, are held open by the
audience, a judge's signed sheet and `/api/health` (each on a fresh connection) still answer in < 2 s (the bound
is the issue's). A connection that never finishes its request is closed after the header timeout.
All traffic is on loopback; every loop is bounded in count and time; every socket is closed at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import socket
import time
from pathlib import Path

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

LIMIT = 1024  # systemd's default LimitNOFILE (soft = hard for the server: it cannot raise it)
FLOOD = 1100
BOUND = 2.0  # seconds: demanded by the issue


def _limit_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


@pytest.fixture(autouse=True)
def own_fd_limit():
    """The test process itself needs room for FLOOD sockets (raised to its hard limit, restored after)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = FLOOD + 1000
    if soft < wanted:
        assert hard == resource.RLIM_INFINITY or hard >= wanted, f"the test needs ulimit -Hn >= {wanted}"
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.fixture
def box(tmp_path):
    server = Server(tmp_path, demo=True, preexec_fn=_limit_files).start()
    yield server
    server.kill()


def _server_fd_limit(server: Server) -> int:
    text = Path(f"/proc/{server.proc.pid}/limits").read_text()
    line = next(line for line in text.splitlines() if line.startswith("Max open files"))
    return int(line.split()[3])


async def _judge_ready(server: Server) -> tuple[SignedClient, str, dict]:
    """Enrol the scrutineer and judge A of the demo, start floor 1: (the judge, the sheet's path, its body)."""
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        made = (await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "A"})).json()
        judge = await SignedClient.enrol(http, made["url"])
        assert (await desk.post("/api/floors/1/start")).status_code == 200
        task = (await judge.get("/api/judge/tasks")).json()["tasks"][0]
    path = f"/api/rounds/{task['round_id']}/sheets/{task['dance']}"
    if task["kind"] == "final":
        return judge, path, {"places": {str(b): i + 1 for i, b in enumerate(task["bibs"])}}
    return judge, path, {"crosses": task["bibs"][: task["recall"]]}


async def _officials_answer(server: Server, judge: SignedClient, path: str, body: dict) -> None:
    """/api/health and the judge's signed sheet, each on a fresh connection, each within BOUND seconds."""
    async with httpx.AsyncClient(base_url=server.base, timeout=BOUND + 3) as http:
        started = time.monotonic()
        try:
            response = await http.get("/api/health")
        except httpx.TransportError as exc:
            pytest.fail(f"/api/health did not answer: {exc!r}")
        took = time.monotonic() - started
        assert response.status_code == 200 and took < BOUND, (response.status_code, took)
    async with httpx.AsyncClient(base_url=server.base, timeout=BOUND + 3) as http:
        tablet = SignedClient(http, judge.device_id, judge.key, judge.role, judge.judge, judge.counter)
        started = time.monotonic()
        try:
            response = await tablet.post(path, body, idempotency_key="starvation-sheet")
        except httpx.TransportError as exc:
            pytest.fail(f"the judge's sheet did not answer: {exc!r}")
        took = time.monotonic() - started
        assert response.status_code == 200, response.text
        assert "checksum" in response.json() and took < BOUND, took
        judge.counter = tablet.counter


def _open_slow(port: int, count: int, deadline: float) -> list[socket.socket]:
    """Half idle connections that send nothing, half slowloris requests with unfinished headers."""
    opened: list[socket.socket] = []
    for i in range(count):
        if time.monotonic() > deadline:
            break
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setblocking(False)
        if i % 2:
            sock.send(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a")
        opened.append(sock)
    return opened


def _trickle(sockets: list[socket.socket]) -> None:
    """One more header byte on every slowloris request the server has not closed."""
    for sock in sockets[1::2]:
        with contextlib.suppress(OSError):
            sock.send(b"a")


async def test_officials_answer_while_1100_idle_or_slowloris_connections_are_open(box: Server):
    assert _server_fd_limit(box) == LIMIT
    judge, path, body = await _judge_ready(box)
    sockets = _open_slow(box.port, FLOOD, time.monotonic() + 60)
    try:
        assert len(sockets) == FLOOD
        _trickle(sockets)
        await _officials_answer(box, judge, path, body)
    finally:
        for sock in sockets:
            sock.close()
    assert box.proc.poll() is None
    log = box.log_path.read_text()
    assert "shed" in log and "open-file limit" in log  # the limits that were hit are logged


async def _open_stream(port: int) -> tuple[asyncio.StreamWriter, int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split()[1])
    rest = b""
    if status != 200:
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            rest = await asyncio.wait_for(reader.read(4096), 5)
    return writer, status, head + rest


async def test_officials_answer_while_1100_live_streams_are_open(box: Server):
    assert _server_fd_limit(box) == LIMIT
    judge, path, body = await _judge_ready(box)
    tasks = []
    for _ in range(FLOOD):  # a stampede of viewers, bounded in count and (below) in time
        tasks.append(asyncio.ensure_future(_open_stream(box.port)))
        await asyncio.sleep(0)
    done, pending = await asyncio.wait(tasks, timeout=60)
    try:
        answers = [t.result() for t in done if t.exception() is None]
        statuses = [status for _, status, _ in answers]
        await _officials_answer(box, judge, path, body)
        assert not pending and len(answers) == FLOOD, (len(pending), len(answers))
        assert statuses.count(200) >= 500 and statuses.count(503) >= 1, sorted(set(statuses))
        refused = next(text for _, status, text in answers if status == 503)
        head, _, rest = refused.partition(b"\r\n\r\n")
        assert b"retry-after:" in head.lower() and b"connection: close" in head.lower()
        assert json.loads(rest[rest.index(b"{") : rest.rindex(b"}") + 1])["error"]["code"] == "too_many_viewers"
    finally:
        for task in pending:
            task.cancel()
        for task in done:
            if task.exception() is None:
                task.result()[0].close()
    assert box.proc.poll() is None
    assert "live viewers" in box.log_path.read_text()


async def test_a_request_that_never_completes_is_closed_after_the_header_timeout(tmp_path):
    server = Server(tmp_path, demo=False, env={"FLOORCRAFT_HEADER_TIMEOUT": "1"}).start()
    idle = slow = None
    try:
        idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        slow.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        for sock in (idle, slow):  # recv waits (at most 10 s) for the server to close the connection
            try:
                assert sock.recv(1024) == b""
            except TimeoutError:
                pytest.fail("the server kept a connection that never sent a complete request")
    finally:
        for sock in (idle, slow):
            if sock is not None:
                sock.close()
        server.kill()
    assert "timed out" in server.log_path.read_text()


async def test_a_flood_sheds_the_audience_before_an_older_signed_request(tmp_path):
    """At the connection cap, the oldest audience connection is shed, not an older signed request still sending
    its body; that request is then answered."""
    server = Server(tmp_path, demo=False, env={"FLOORCRAFT_MAX_CONNECTIONS": "40"}).start()
    signed = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    body = b'{"crosses": [1, 2, 3]}'
    crowd: list[socket.socket] = []
    try:
        signed.sendall(
            b"POST /api/rounds/1/sheets/W HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Device: tablet-a\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:5]
        )
        for _ in range(120):  # three times the cap, idle: each new one makes the box shed the oldest idle one
            crowd.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        try:
            assert crowd[0].recv(1) == b""  # the oldest of the audience was shed
        except TimeoutError:
            pytest.fail("no audience connection was shed at the cap")
        signed.sendall(body[5:])
        assert signed.recv(4096).startswith(b"HTTP/1.1 401")  # answered (its made-up device is refused)
    finally:
        for sock in [signed, *crowd]:
            sock.close()
        server.kill()
