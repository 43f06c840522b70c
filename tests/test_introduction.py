"""Issue #12 point 4, a box that introduces itself: the front page and the favicon, what the terminal shows (the
URLs, the first QR, then how to get a new scrutineer QR), a calm log, `--version`, a port in use, and the export
commands pointed at a stick (its root checked whole; a folder that does not exist refused)."""

from __future__ import annotations

import asyncio
import re
import socket
import time

import httpx
import pytest

from appliance import __version__
from appliance.trust.client import SignedClient
from tests.conftest import ROOT, floorcraft
from tests.server import Server

WEB = ROOT / "web"
PAGES = ("/desk/", "/display/", "/results/")


@pytest.fixture
def box(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


def test_the_front_page_explains_the_box_and_links_its_pages_and_how_to_join(box):
    page = httpx.get(f"{box.base}/", timeout=5)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = set(re.findall(r'href="([^"]+)"', page.text))
    assert set(PAGES) <= links
    assert "How to join" in page.text and "QR code" in page.text and "Devices" in page.text
    assert "floorcraft enrol --role scrutineer" in page.text
    for link in links:  # every link of the page answers (the API ones too)
        assert httpx.get(f"{box.base}{link}", timeout=5).status_code == 200, link


def test_every_page_links_the_favicon_and_the_box_serves_it(box):
    icon = httpx.get(f"{box.base}/favicon.svg", timeout=5)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg")
    pages = sorted(WEB.rglob("*.html"))
    assert len(pages) >= 7
    for path in pages:
        url = "/" + str(path.relative_to(WEB).parent).removeprefix(".").strip("/") + "/"
        html = httpx.get(f"{box.base}{url.replace('//', '/')}", timeout=5).text
        found = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
        assert found, f"{path.relative_to(ROOT)} links no favicon"
        target = httpx.URL(f"{box.base}{url.replace('//', '/')}").join(found.group(1))
        assert target.path == "/favicon.svg", (path, found.group(1))


def _enrol(base: str, url: str) -> None:
    async def go():
        async with httpx.AsyncClient(base_url=base, timeout=5) as http:
            await SignedClient.enrol(http, url)

    asyncio.run(go())


def test_the_terminal_shows_the_urls_and_the_first_qr_then_how_to_get_a_new_scrutineer_qr(tmp_path):
    server = Server(tmp_path).start()
    try:
        first = server.log_path.read_text()
        for page in PAGES:
            assert f"{server.base}{page}" in first
        assert "Nobody owns this box yet" in first and "█" in first  # the QR code itself
        _enrol(server.base, server.first_enrolment_url())
    finally:
        server.terminate()
    started = len(server.log_path.read_text())
    server.start()
    try:
        later = server.log_path.read_text()[started:]
        assert f"{server.base}/desk/" in later
        assert "Nobody owns" not in later and "/join#" not in later  # no QR code: the box has its scrutineer
        assert "floorcraft enrol --role scrutineer" in later and "Devices page" in later
        assert "systemctl stop floorcraft" in later
        # what it says is true: while the server runs, `enrol` is refused ...
        refused = floorcraft(tmp_path, "enrol", "--role", "scrutineer")
        assert refused.returncode == 2 and b"server is running" in refused.stderr
    finally:
        server.terminate()
    # ... and with the server stopped it prints a scrutineer QR code that enrols a device
    made = floorcraft(tmp_path, "enrol", "--role", "scrutineer")
    assert made.returncode == 0, made.stderr
    url = re.findall(r"http://\S+/join#\S+", made.stdout.decode())[-1]
    server.start()
    try:
        _enrol(server.base, url)
    finally:
        server.terminate()


def _sheets_stored(base: str, deadline: float) -> int:
    """Wait (bounded) until the simulated judges' sheets have computed a round; the change log's head then."""
    while time.monotonic() < deadline:
        state = httpx.get(f"{base}/api/live/state", timeout=5).json()
        if state["results"]:
            return state["seq"]
        time.sleep(0.2)
    raise AssertionError("the simulated judges computed no round in time")


def test_the_log_is_calm_by_default_no_line_per_request(tmp_path):
    server = Server(tmp_path, extra=("--simulate", "0.01")).start()
    try:
        assert _sheets_stored(server.base, time.monotonic() + 60) > 0
        for _ in range(20):
            assert httpx.get(f"{server.base}/api/health", timeout=5).status_code == 200
    finally:
        server.terminate()
    log = server.log_path.read_text()
    assert "/sheets/" not in log and "/api/health" not in log and "/api/enrol" not in log
    assert "HTTP Request" not in log  # our own client (the simulated judges) logs no line per request either
    assert "Application startup complete" in log  # the log is there, only calm


def test_at_debug_each_request_is_logged_once(tmp_path):
    server = Server(tmp_path, demo=False, env={"FLOORCRAFT_LOG_LEVEL": "debug"}).start()
    try:
        assert httpx.get(f"{server.base}/favicon.svg?probe=7341", timeout=5).status_code == 200
    finally:
        server.terminate()
    lines = [line for line in server.log_path.read_text().splitlines() if "probe=7341" in line]
    assert len(lines) == 1 and '"GET /favicon.svg?probe=7341 HTTP/1.1" 200' in lines[0], lines


def test_version(tmp_path):
    run = floorcraft(tmp_path, "--version")
    assert run.returncode == 0 and run.stdout.decode().strip() == f"floorcraft {__version__}"
    assert not list(tmp_path.iterdir())  # it reads no settings and writes nothing


def test_a_port_in_use_is_one_line_naming_floorcraft_port_exit_2_and_nothing_is_announced(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        env = {"FLOORCRAFT_PORT": str(port), "FLOORCRAFT_MDNS": "true", "FLOORCRAFT_MDNS_INTERFACES": "127.0.0.1"}
        run = floorcraft(tmp_path, "serve", "--demo", env=env)
    errors = run.stderr.decode().splitlines()
    assert run.returncode == 2, run.stderr
    assert len(errors) == 1 and "FLOORCRAFT_PORT" in errors[0] and f"port {port} is already in use" in errors[0]
    assert run.stdout == b""  # no URL, no QR code: nothing was started
    assert "mDNS" not in run.stderr.decode()  # bound before mDNS could announce a box that is not there
    assert not (tmp_path / "floorcraft.sqlite3").exists()  # and nothing was written


@pytest.fixture(scope="module")
def demo_box(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    assert floorcraft(data, "demo").returncode == 0
    return data


def test_export_refuses_a_folder_that_does_not_exist(demo_box, tmp_path):
    mistyped = tmp_path / "media" / "stik"
    run = floorcraft(demo_box, "export", str(mistyped))
    assert run.returncode == 2, run.stdout
    errors = run.stderr.decode().splitlines()
    assert len(errors) == 1 and f"there is no folder {mistyped}" in errors[0] and "nothing was written" in errors[0]
    assert not (tmp_path / "media").exists()
    (tmp_path / "a-file").write_text("not a folder")
    assert floorcraft(demo_box, "export", str(tmp_path / "a-file")).returncode == 2


def test_verify_export_at_a_sticks_root_checks_every_export_on_it(demo_box, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    assert floorcraft(demo_box, "export", str(stick)).returncode == 0
    assert floorcraft(demo_box, "enrol", "--role", "scrutineer").returncode == 0  # a change: a later export
    assert floorcraft(demo_box, "export", str(stick)).returncode == 0
    first, second = sorted(stick.glob("floorcraft-export-*"))
    run = floorcraft(demo_box, "verify-export", str(stick))
    assert run.returncode == 0, run.stdout
    out = run.stdout.decode()
    assert str(first) in out and str(second) in out and "2 of 2 exports" in out
    (first / "results.csv").write_text("altered")
    run = floorcraft(demo_box, "verify-export", str(stick))
    out = run.stdout.decode()
    assert run.returncode == 1 and f"problem: {first.name}: results.csv does not match" in out
    assert f"export {second} is complete" in out and "1 of 2 exports" in out
    assert floorcraft(demo_box, "verify-export", str(second)).returncode == 0  # one export, as before


def test_verify_export_of_a_folder_without_an_export_says_so(tmp_path):
    run = floorcraft(tmp_path, "verify-export", str(tmp_path))
    assert run.returncode == 2 and b"holds no export" in run.stderr and len(run.stderr.splitlines()) == 1
    run = floorcraft(tmp_path, "verify-export", str(tmp_path / "nowhere"))
    assert run.returncode == 2 and b"there is no folder" in run.stderr
