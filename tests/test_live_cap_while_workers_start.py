"""The live viewers' cap holds for a crowd that arrives at a box whose fan-out workers are asleep (probe p5).

The first viewer wakes the workers and waits until they are ready; the viewers arriving meanwhile were admitted
against a count that did not include anyone still waiting, so with FLOORCRAFT_LIVE_MAX_VIEWERS=10 all 30 of a
crowd got a stream. Now a viewer counts from its admission: 10 streams, 20 answers 503. A real `floorcraft serve`.
"""

from __future__ import annotations

import collections
import select
import socket
import time

import pytest

from tests.server import Server

WAIT = 30.0  # seconds the whole crowd may take at most (a bound, not a pace)
CAP, CROWD = 10, 30


@pytest.fixture
def server(tmp_path):
    env = {"FLOORCRAFT_LIVE_WORKERS": "2", "FLOORCRAFT_LIVE_MAX_VIEWERS": str(CAP)}
    running = Server(tmp_path, demo=False, env=env).start()
    yield running
    running.kill()


def _status_lines(port: int) -> list[bytes]:
    """CROWD raw viewers at once; each one's status line (b"" if none came within WAIT)."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=WAIT) for _ in range(CROWD)]
    try:
        for sock in socks:
            sock.sendall(b"GET /api/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        seen = {sock: b"" for sock in socks}
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and any(b"\r\n" not in data for data in seen.values()):
            waiting = [sock for sock, data in seen.items() if b"\r\n" not in data]
            for sock in select.select(waiting, [], [], 0.2)[0]:
                seen[sock] += sock.recv(4096) or b"\r\n"  # closed with nothing: counted as no answer
        return [data.split(b"\r\n", 1)[0] for data in seen.values()]
    finally:
        for sock in socks:
            sock.close()


def test_a_crowd_at_a_box_whose_workers_sleep_gets_no_more_streams_than_the_cap(server):
    statuses = collections.Counter(_status_lines(server.port))
    assert statuses == {b"HTTP/1.1 200 OK": CAP, b"HTTP/1.1 503 Service Unavailable": CROWD - CAP}, statuses
