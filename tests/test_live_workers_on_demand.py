"""Issue 13 (points 2 and 3, idle memory): the fan-out workers run while there are viewers, not before.

An idle box is the server alone: no worker process until the first viewer arrives; that viewer waits until the
workers are ready and is served by one; once nobody has watched for FLOORCRAFT_LIVE_WORKERS_IDLE seconds they
stop (cleanly, exit 0, nothing left behind), and the next viewer starts them again. A real `floorcraft serve`.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest

from tests.server import Server

WAIT = 30.0  # seconds any one wait may take at most (a bound, not a pace)
IDLE = 1.0  # FLOORCRAFT_LIVE_WORKERS_IDLE for this box


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def server(tmp_path):
    env = {"FLOORCRAFT_LIVE_WORKERS": "2", "FLOORCRAFT_LIVE_WORKERS_IDLE": str(IDLE), "FLOORCRAFT_LOG_LEVEL": "debug"}
    running = Server(tmp_path, demo=False, env=env).start()
    yield running
    running.kill()


async def _until(check, what: str) -> None:
    async with asyncio.timeout(WAIT):
        while not check():
            await asyncio.sleep(0.05)  # polled, bounded above: `what`


async def test_workers_start_with_the_first_viewer_and_stop_when_nobody_watches(server):
    assert _children(server.proc.pid) == []  # started and answering: no worker yet
    async with httpx.AsyncClient(base_url=server.base, timeout=WAIT) as http:
        async with http.stream("GET", "/api/live") as first:
            assert first.status_code == 200 and first.headers["x-live-worker"] in ("0", "1")
            frames = first.aiter_bytes()  # kept: leaving an `async for` would close the stream
            assert b"event: state" in await anext(frames)
            workers = _children(server.proc.pid)
            assert len(workers) == 2  # both were ready before the first viewer was handed over
            await asyncio.sleep(IDLE * 2.5)  # longer than the idle time, with a viewer connected
            assert _children(server.proc.pid) == workers  # so they keep running
        await _until(lambda: _children(server.proc.pid) == [], "the workers stop once nobody watches")
        log = server.log_path.read_text()
        assert "no viewer for 1 s: the workers stop until the next one" in log
        assert "ended (status" not in log  # a stop, not a death: nothing restarted them
        async with http.stream("GET", "/api/live") as again:
            assert again.status_code == 200 and again.headers["x-live-worker"] in ("0", "1")
            restarted = _children(server.proc.pid)
            assert len(restarted) == 2 and not set(restarted) & set(workers)
    started = re.findall(r"the first viewer starts 2 workers", server.log_path.read_text())
    assert len(started) == 2
    assert server.terminate() == 0
