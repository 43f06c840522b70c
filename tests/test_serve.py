"""`floorcraft serve --demo` for real: uvicorn on loopback, the demo loaded, mDNS on loopback, a clean SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest
from zeroconf import IPVersion, ServiceBrowser, ServiceListener, Zeroconf

from appliance.trust.client import SignedClient
from tests.conftest import ROOT, floorcraft
from tests.server import Server


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path, mdns=True).start()
    yield running.proc, running.base, running.port
    running.kill()


class _Found(ServiceListener):
    def __init__(self):
        self.names: list[str] = []

    def add_service(self, zc, type_, name):
        self.names.append(name)

    def update_service(self, zc, type_, name):
        pass

    def remove_service(self, zc, type_, name):
        pass


async def _as_first_scrutineer(base: str, log: str) -> tuple[list, dict]:
    url = re.search(r"http://\S+/join#\S+", log).group(0)
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        desk = await SignedClient.enrol(http, url)
        competitions = (await desk.get("/api/competitions")).json()
        status = (await desk.get(f"/api/floors/{competitions[0]['floors'][0]['id']}/status")).json()
        again = await http.post(
            "/api/enrol",
            json={
                "enrolment_id": url.split("#")[1].split(".")[0],
                "device_id": "another-device",
                "public_key": "A" * 43,
                "proof": "0" * 64,
            },
        )
    return competitions, status, again.status_code


def test_serve_runs_the_demo_on_loopback_and_advertises_it_by_mdns(server, tmp_path):
    _proc, base, port = server
    log = (tmp_path / "server.log").read_text()
    assert "Nobody owns this box yet" in log
    competitions, status, again = asyncio.run(_as_first_scrutineer(base, log))
    assert [c["name"] for c in competitions] == ["Floorcraft Demo Open"]
    assert status["next"]["event"] == "Adult Standard Open"
    assert again == 401  # the printed QR works once, for whoever proves the secret
    assert httpx.get(f"{base}/api/competitions", timeout=5).status_code == 401

    zc = Zeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    info = None
    try:
        found = _Found()
        browser = ServiceBrowser(zc, "_floorcraft._tcp.local.", found)
        deadline = time.monotonic() + 10
        while info is None and time.monotonic() < deadline:
            for name in list(found.names):  # other boxes on this machine's loopback may answer too
                candidate = zc.get_service_info("_floorcraft._tcp.local.", name, timeout=1000)
                if candidate is not None and candidate.port == port:
                    info = candidate
            time.sleep(0.1)
        browser.cancel()
    finally:
        zc.close()
    assert info is not None and info.port == port
    assert info.properties[b"competition"] == b"Floorcraft Demo Open" and info.properties[b"api"] == b"/api"


def test_sigterm_stops_the_server_gracefully_within_its_stop_timeout(server, tmp_path):
    proc, _base, _ = server
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully and re-raises the signal; the server's handler turns that into exit 0
    assert proc.wait(15) == 0
    assert time.monotonic() - start < 10
    log = (tmp_path / "server.log").read_text()
    assert "Application shutdown complete" in log


def _a_competition_being_set_up_beside_the_demo(data_dir) -> None:
    """The organiser creates next month's competition on the demo box (its registration still open)."""
    import asyncio
    import datetime as dt

    from appliance.db.store import Store
    from appliance.model.competition import CompetitionIn
    from appliance.services import Context, setup
    from appliance.settings import Settings

    assert floorcraft(data_dir, "demo").returncode == 0
    store = Store(data_dir / "floorcraft.sqlite3")
    try:
        ctx = Context(store, Settings(data_dir=str(data_dir), mdns=False))
        day = dt.date(2027, 1, 9)
        asyncio.run(setup.create_competition(ctx, CompetitionIn("Winter Cup", day, day, "Town Hall")))
    finally:
        store.close()


def test_serve_can_keep_simulated_judges_marking_until_every_result_is_official(tmp_path):
    """The simulated judges mark the demo, also when a newer competition is being set up beside it (they used to
    pick the newest competition and stop for good: "close registration first")."""
    _a_competition_being_set_up_beside_the_demo(tmp_path)
    running = Server(tmp_path, demo=False, extra=("--simulate", "0.01")).start()
    try:
        deadline = time.monotonic() + 60
        state = {}
        while time.monotonic() < deadline:
            state = httpx.get(f"{running.base}/api/live/state", timeout=5).json()
            finals = [r for r in state["results"] if r["kind"] == "final"]
            if len(finals) == 4 and all(r["official"] for r in finals):
                break
            time.sleep(0.3)
        assert len([r for r in state["results"] if r["kind"] == "final" and r["official"]]) == 4
    finally:
        running.kill()


def test_demo_simulate_judges_every_event_to_its_official_result(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "demo", "--simulate"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={"FLOORCRAFT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    assert b"judged to official results: 9 rounds, 273 sheets" in run.stdout
