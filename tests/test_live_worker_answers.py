"""Issue 13 (brief H6): the fan-out workers are lean processes that answer exactly as the server does.

A worker (appliance/live/worker.py, started by appliance/live/fanout.py) serves /api/live with plain asyncio and
non-blocking socket writes, without Litestar, uvloop or OpenSSL; the server loads its occasional modules (QR
codes, the HTTP client) when it uses them. What a viewer receives must not change: the same headers (the
security headers the box sends everywhere), the same frames, and past the viewers' cap the same 503 in the one
error shape. Compared here with a server that serves the stream itself (FLOORCRAFT_LIVE_WORKERS=0).
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from appliance.live.fanout import LAUNCH
from appliance.live.worker import NICE
from tests.conftest import ROOT
from tests.reliability.test_live_workers import _woken
from tests.server import Server

WAIT = 30.0  # seconds any one wait may take at most (a bound, not a pace)
VARY = {"date", "server", "x-live-worker", "connection"}  # uvicorn's own, and which worker served the stream


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Two boxes with one viewer allowed: one hands its viewers to 2 workers, one serves them itself."""
    made = []
    for workers in ("2", "0"):
        env = {"FLOORCRAFT_LIVE_WORKERS": workers, "FLOORCRAFT_LIVE_MAX_VIEWERS": "1", "FLOORCRAFT_LOG_LEVEL": "debug"}
        made.append(Server(tmp_path_factory.mktemp(f"workers{workers}"), demo=False, env=env).start())
    asyncio.run(_woken(made[0]))
    yield made
    for server in made:
        server.kill()


async def _first_frame(base: str) -> tuple[httpx.Headers, bytes, httpx.Response]:
    """A stream's headers and its first frame (the state); then, while it is open, a second viewer's answer."""
    async with (
        httpx.AsyncClient(base_url=base, timeout=WAIT) as http,
        asyncio.timeout(WAIT),
        http.stream("GET", "/api/live") as response,
    ):
        assert response.status_code == 200
        body = b""
        async for chunk in response.aiter_bytes():
            body += chunk
            if b"event: state" in body and body.endswith(b"\n\n"):
                break
        refused = await http.get("/api/live")  # the cap counts the viewer a worker holds
    return response.headers, body, refused


def _without(headers: httpx.Headers, names: set[str]) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in headers.multi_items() if k not in names)


def test_a_workers_stream_has_the_servers_headers_and_frames(servers):
    by_worker, by_server = (asyncio.run(_first_frame(s.base)) for s in servers)
    assert by_worker[0]["x-live-worker"] in ("0", "1") and "x-live-worker" not in by_server[0]
    assert _without(by_worker[0], VARY) == _without(by_server[0], VARY)
    assert by_worker[0]["content-security-policy"].startswith("default-src 'self'")
    assert by_worker[0]["date"].endswith(" GMT") and by_worker[0]["connection"] == "close"
    assert by_worker[1] == by_server[1]  # the same fresh box: the same bytes, `retry:` and the state frame


def test_past_the_cap_a_workers_box_answers_503_in_the_one_error_shape(servers):
    by_worker, by_server = (asyncio.run(_first_frame(s.base))[2] for s in servers)
    assert by_worker.status_code == by_server.status_code == 503
    assert _without(by_worker.headers, {"date"}) == _without(by_server.headers, {"date"})
    assert by_worker.headers["retry-after"] == "30"
    error = by_worker.json()["error"]
    assert by_worker.json() == by_server.json() and error["code"] == "too_many_viewers"
    assert "/api/live/state" in error["message"]


def test_a_parameter_given_twice_is_refused_alike_by_a_workers_box_and_the_server(servers):
    """`?floor=1&floor=2`, `?only=results&only=` (brief S12): the same 400 naming the parameter, not the last read."""
    queries = ("?floor=1&floor=2", "?only=results&only=")
    answers = []
    for server in servers:
        with httpx.Client(base_url=server.base, timeout=WAIT) as http:
            answers.append([http.get(f"/api/live{query}") for query in queries])
    for by_worker, by_server in zip(*answers, strict=True):
        assert by_worker.status_code == by_server.status_code == 400
        assert by_worker.json() == by_server.json()
        assert _without(by_worker.headers, {"date"}) == _without(by_server.headers, {"date"})
    assert [a.json()["error"]["message"] for a in answers[0]] == ["give floor once", "give only once"]


def _modules(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` a fresh interpreter has loaded after running `code`."""
    probe = f"{code}\nimport sys\nprint(sorted(n for n in {names!r} if sys.modules.get(n) is not None))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.replace("'", '"'))


def test_a_worker_loads_no_framework_and_no_openssl():
    launch = LAUNCH.split("from appliance.live.worker")[0]  # how fanout.py starts a worker, without running it
    code = launch + "import appliance.live.worker, appliance.services.public"  # its state: a new viewer's first frame
    assert _modules(code, ("litestar", "uvicorn", "uvloop", "httpx", "ssl", "_ssl", "_hashlib")) == []


def test_a_running_worker_maps_no_openssl_library_and_yields_to_the_server(servers):
    pid = int(_pids(servers[0])[0])
    maps = Path(f"/proc/{pid}/maps").read_text()
    assert "libssl" not in maps and "libcrypto" not in maps and "uvloop" not in maps
    nice = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])  # field 19: nice
    assert nice == NICE  # outside the systemd unit (whose system-call filter forbids it)


def _pids(server: Server) -> list[str]:
    return re.findall(r"live fan-out worker \d ready \(pid (\d+)\)", server.log_path.read_text())


def test_the_server_loads_qr_codes_and_the_http_client_when_it_uses_them():
    code = "import appliance.__main__, appliance.app"  # what `floorcraft serve` imports before it answers
    heavy = (
        "qrcode",
        "PIL",
        "lxml",
        "httpx",
        "weasyprint",
        "jsonschema",
        "zeroconf",
        "ifaddr",
        "cryptography",
        "babel.dates",
    )
    assert _modules(code, heavy) == []  # mDNS imports zeroconf only when on; the box key loads cryptography on use


async def test_viewers_arriving_together_share_one_state_read_until_something_is_published(tmp_path):
    """A crowd connecting (or a worker's viewers coming back) costs one read of the state, not one each; a viewer
    that arrives after a publish gets a state that includes it (it could not see that frame live)."""
    from appliance.db import changelog
    from appliance.db.store import Store
    from appliance.live.stream import Hub

    store = Store(tmp_path / "floorcraft.sqlite3")
    hub = Hub(store, paced=False)
    hub.start(asyncio.get_running_loop())

    def move(conn) -> None:
        item = {"event_id": None, "position": 1}
        changelog.append(conn, "floor.next", "floor/1", {"state": "running", "item": item}, "2026-12-05T10:00:00")

    try:
        first, second = await asyncio.gather(hub.state_frame(None), hub.state_frame(None))
        assert first[1] is second[1]  # one read served both
        await store.write(move)
        async with asyncio.timeout(WAIT):
            while hub.published < store.last_seq:
                await asyncio.sleep(0.01)  # the commit reaches the hub on the loop (bounded above)
        later = await hub.state_frame(None)
        assert later[0] == store.last_seq > first[0] and later[1].startswith(b"id: %d\n" % later[0])
        assert (await hub.state_frame(1))[1] is not later[1]  # one per floor filter
    finally:
        hub.close()
        store.close()


async def test_a_worker_holds_sheets_progress_briefly_and_sends_it_with_the_result_that_follows(tmp_path):
    """In a fan-out worker (an unpaced hub) "judge C sent the Waltz" waits up to PROGRESS_HOLD for more, so a
    dance's sheets share one write to every viewer; a result (anything else) goes at the loop's next turn and
    takes what was held along, in seq order. Progress alone still goes out once the hold is over."""
    from appliance.db import changelog
    from appliance.db.store import Store
    from appliance.live.stream import PROGRESS_HOLD, Hub
    from appliance.live.viewer import Viewer

    store = Store(tmp_path / "floorcraft.sqlite3")
    hub = Hub(store, paced=False)
    hub.hold = WAIT * 2  # longer than any wait below: what goes out before it was not held
    loop = asyncio.get_running_loop()
    hub.start(loop)
    writes: list[bytes] = []
    viewer = Viewer(send=None, floor=None, direct=lambda body: writes.append(body) or True)  # type: ignore[arg-type]
    viewer.pending = None  # its backlog went out: it follows live
    hub.viewers.add(viewer)
    sheet = {"round_id": 1, "event_id": 1, "dance": "W", "judge": "A"}
    move = {"state": "running", "item": {"event_id": 1, "position": 2}}  # the floor moves on: not progress

    def append(kind: str) -> None:  # the hub gets each commit's rows as a worker's feed would bring them
        def write(conn) -> None:
            changelog.append(conn, kind, "round/1", sheet if kind == "sheet.submitted" else move, "2026")

        store.write_sync(write)

    try:
        append("sheet.submitted")
        append("sheet.submitted")
        await asyncio.sleep(0)  # the commits reach the loop
        await asyncio.sleep(0)  # one turn of the loop: held, nothing written yet
        assert writes == [] and hub._held is not None
        append("floor.next")
        async with asyncio.timeout(WAIT):
            while not writes:
                await asyncio.sleep(0.01)  # the commit reaches the loop (bounded above)
        assert len(writes) == 1  # one write: both sheets and the result, in order
        assert re.findall(rb"id: (\d+)\nevent: ([\w.]+)", writes[0]) == [
            (b"1", b"sheet.submitted"),
            (b"2", b"sheet.submitted"),
            (b"3", b"floor.next"),
        ]
        assert hub._held is None
        hub.hold = PROGRESS_HOLD
        append("sheet.submitted")
        async with asyncio.timeout(WAIT):
            while len(writes) < 2:
                await asyncio.sleep(0.05)  # progress alone goes once the hold is over (bounded above)
        assert re.findall(rb"event: ([\w.]+)", writes[1]) == [b"sheet.submitted"]
    finally:
        hub.close()
        store.close()
