"""The connection caps derived from the open-file limit, and warnings that cannot flood the log (pure parts of
appliance/trust/connections.py; the server's behaviour under load is in tests/reliability/test_starvation.py); what a
real server answers on the raw socket to oversized headers and to requests that are not HTTP."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest

from appliance.settings import Settings, SettingsError, load_settings
from appliance.trust.connections import Warnings, _header_part, limits_for
from tests.server import Server


def test_the_caps_keep_a_reserve_of_descriptors_and_connections_for_the_officials():
    at_1024 = limits_for(Settings(), 1024)
    assert (at_1024.fd_limit, at_1024.max_connections, at_1024.max_viewers) == (1024, 924, 693)
    at_65536 = limits_for(Settings(), 65536)
    assert at_65536.max_connections == 65436 and at_65536.max_viewers == 4000
    assert limits_for(Settings(max_connections=5000), 1024).max_connections == 924  # never above the limit
    assert limits_for(Settings(max_connections=300, live_max_viewers=10), 1024).max_viewers == 10
    assert limits_for(Settings(), 50).max_connections == 16 and limits_for(Settings(), 50).max_viewers == 1


def test_the_settings_are_read_and_bounded():
    settings = load_settings({"FLOORCRAFT_LIVE_MAX_VIEWERS": "250", "FLOORCRAFT_HEADER_TIMEOUT": "3"})
    assert settings.live_max_viewers == 250 and settings.header_timeout == 3
    with pytest.raises(SettingsError, match="LIVE_MAX_VIEWERS"):
        load_settings({"FLOORCRAFT_LIVE_MAX_VIEWERS": "-1"})


def test_a_warning_is_logged_at_most_once_per_interval_with_the_count_held_back(caplog):
    now = [0.0]
    warnings = Warnings(every=30, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="appliance.trust.connections"):
        for _ in range(1000):
            warnings.warn("shed", "connection cap reached")
        now[0] = 31
        warnings.warn("shed", "connection cap reached")
        warnings.warn("timeout", "a connection timed out")
    assert [r.getMessage() for r in caplog.records] == [
        "connection cap reached",
        "connection cap reached (999 more since the last warning)",
        "a connection timed out",
    ]


# What a stranger sends on the raw socket (found by the issue #9 re-probe): the server's own answers, before the app.


def _exchange(port: int, request: bytes, chunk: int = 1 << 16) -> bytes:
    """Send `request` on a new connection (stopping early if the server closes it) and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        try:
            for start in range(0, len(request), chunk):
                conn.sendall(request[start : start + chunk])
        except OSError:  # the server answered and closed while we were still sending
            pass
        answer = b""
        while len(answer) < 1 << 20:
            try:
                data = conn.recv(1 << 16)
            except OSError:
                break
            if not data:
                break
            answer += data
        return answer


def _parts(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("raw"), demo=False).start()
    yield server
    server.terminate()


def test_headers_over_64_kib_are_refused_with_431_and_not_buffered(bare_server):
    """httptools buffers a request's headers with no limit: ten 20 MB headers took 230 MB of the box's memory."""
    huge = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * (4 << 20) + b"\r\n\r\n"
    status, headers, body = _parts(_exchange(bare_server.port, huge))
    assert status == 431, body
    assert json.loads(body)["error"]["code"] == "too_large"
    assert "content-security-policy" in headers and headers["x-content-type-options"] == "nosniff"
    many = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-A: 1\r\n" * 20_000 + b"\r\n"
    assert _parts(_exchange(bare_server.port, many))[0] == 431
    assert httpx.get(f"{bare_server.base}/api/health", timeout=5).status_code == 200
    assert "headers passed 65536 bytes" in bare_server.log_path.read_text()


def test_a_large_body_is_not_counted_as_headers(bare_server):
    body = b'{"pad":"' + b"a" * (1 << 20) + b'"}'
    answer = httpx.post(
        f"{bare_server.base}/api/enrol", content=body, headers={"content-type": "application/json"}, timeout=10
    )
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "pad", answer.text


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        b"CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    ],
    ids=["garbage", "non-ascii-path", "negative-length", "connect"],
)
def test_a_request_that_is_not_http_gets_the_error_shape_and_the_security_headers(bare_server, request_bytes):
    """uvicorn's own answer was text/plain "Invalid HTTP request received." with no CSP and no nosniff."""
    status, headers, body = _parts(_exchange(bare_server.port, request_bytes))
    assert status == 400, body
    assert (
        headers["content-type"] == "application/json" and "frame-ancestors 'none'" in headers["content-security-policy"]
    )
    assert json.loads(body)["error"]["message"] == "the request is not valid HTTP/1.1"


def test_a_request_with_two_host_headers_is_refused(bare_server):
    """The Host check read the first and let "Host: 127.0.0.1" then "Host: evil.example" through (RFC 9112: 400)."""
    for hosts in (b"Host: 127.0.0.1\r\nHost: evil.example\r\n", b"Host: 127.0.0.1\r\nHost: 127.0.0.1\r\n"):
        status, headers, body = _parts(_exchange(bare_server.port, b"GET /api/health HTTP/1.1\r\n" + hosts + b"\r\n"))
        assert status == 400 and json.loads(body)["error"]["field"] == "Host", body
        assert "content-security-policy" in headers


def test_sigterm_closes_unsigned_bodies_still_arriving_instead_of_waiting_and_cancelling_them(tmp_path):
    """Slow unsigned POST bodies held the graceful stop for the whole stop timeout, then uvicorn cancelled each
    with "Exception in ASGI application" and a traceback in the log (a log flood an attacker could order)."""
    server = Server(tmp_path, demo=False, stop_timeout=10).start()
    slow = (
        b"POST /api/enrol HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 999\r\n\r\n{"
    )
    conns = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(20)]
    try:
        for conn in conns:
            conn.sendall(slow)
        assert httpx.get(f"{server.base}/api/health", timeout=5).status_code == 200  # the bodies are in progress
        server.terminate()  # exit status 0
    finally:
        for conn in conns:
            conn.close()
    log = server.log_path.read_text()
    assert "graceful shutdown exceeded" not in log and "Traceback" not in log, log[-3000:]


def test_the_header_block_is_counted_before_it_is_parsed_wherever_the_reads_split_it():
    """A CI run once got 200 for 160 KB of headers: the read that completed them was parsed before it was counted.
    The part of each read that belongs to the headers is counted first, the blank line found across two reads."""
    block = b"GET / HTTP/1.1\r\nHost: x\r\n" + b"X-A: 1\r\n" * 20_000 + b"\r\n"
    body = b"B" * 1000
    assert _header_part(b"", block + body) == len(block)  # one read: the headers only, not the body after them
    for cut in (len(block) - 1, len(block) - 2, len(block) - 3, len(block) - 4, 65_536):
        first, second = block[:cut], block[cut:] + body
        counted = _header_part(b"", first) + _header_part(first[-3:], second)
        assert counted == len(block), cut
    assert _header_part(b"", b"partial header line") == len(b"partial header line")
