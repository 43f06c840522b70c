"""Found by probing the cloud as an attacker (brief S8): a refused batch or pairing request says what is wrong in
plain words naming the field, never the validator's own text; a box's name with control characters (an escape
sequence for the terminal of `floorcraft cloud boxes`) is refused, and nothing is paired or stored; the desk shows
a refused batch in the cloud's words, not its JSON; a FLOORCRAFT_CLOUD_DATABASE_URL that is not PostgreSQL's is
named in plain words ("not in the expected form" before); pairing through a venue's captive portal (200 and a web
page) is one plain line, not a traceback."""

from __future__ import annotations

import http.server
import json
import threading

import msgspec
from litestar.testing import AsyncTestClient

from appliance.box.sync import Syncer, status
from appliance.cloud import create_cloud_app, receiver
from tests.cloud.boxes import FakeBox
from tests.cloud.test_cloud_receiver import app_for
from tests.conftest import floorcraft


def _signed(box: FakeBox, data: object) -> tuple[bytes, dict]:
    body = json.dumps(data).encode()
    return body, {"Content-Type": "application/json", "X-Box-Signature": box.sign(body)}


def _plain(answer, status: int, field: str, words: str) -> None:
    error = answer.json()["error"]
    assert answer.status_code == status, answer.text
    assert error["field"] == field and words in error["message"], error
    assert "Expected" not in error["message"] and "$." not in error["message"], error


async def test_bad_pairing_requests_and_batches_are_refused_in_plain_words(tmp_path):
    box = FakeBox().filler(2)
    async with AsyncTestClient(app_for(tmp_path, "")) as client:
        empty = _signed(box, {"box": box.box, "code": "", "name": "hall box"})
        answer = await client.post("/cloud/pair", content=empty[0], headers=empty[1])
        _plain(answer, 422, "code", "the pairing request is not valid: code must not be empty")

        long_name = _signed(box, {"box": box.box, "code": "ABCDE-FGHJK", "name": "n" * 201})
        answer = await client.post("/cloud/pair", content=long_name[0], headers=long_name[1])
        _plain(answer, 422, "name", "name must have at most 200 characters")

        rows = json.loads(box.batch()[0])
        rows["rows"][0]["seq"] = 0
        answer = await client.post("/cloud/batches", content=_signed(box, rows)[0], headers=_signed(box, rows)[1])
        _plain(answer, 422, "rows[0].seq", "rows[0].seq must be at least 1")
        assert (await client.get("/cloud/boxes")).json() == []


async def test_a_box_name_with_control_characters_is_refused_and_the_code_still_works(tmp_path):
    box = FakeBox().filler(2)
    async with AsyncTestClient(app_for(tmp_path, "")) as client:
        code, _ = receiver.new_code(client.app.state["cloud_store"], 5)
        hostile = _signed(box, {"box": box.box, "code": code, "name": "hall\x1b[2J box"})
        answer = await client.post("/cloud/pair", content=hostile[0], headers=hostile[1])
        _plain(answer, 422, "name", "name must not contain control characters")
        assert (await client.get("/cloud/boxes")).json() == []  # nothing paired, the code not used up

        fine = _signed(box, {"box": box.box, "code": code, "name": "  hall box  "})
        assert (await client.post("/cloud/pair", content=fine[0], headers=fine[1])).status_code == 200
        assert [b["name"] for b in (await client.get("/cloud/boxes")).json()] == ["hall box"]


async def test_the_desk_shows_the_cloud_s_refusal_in_its_words_not_its_json(api, client, settings, tmp_path):
    await api.competition()
    async with AsyncTestClient(create_cloud_app(tmp_path / "cloud")) as cloud:  # the box was never paired
        store = client.app.state["ctx"].store
        syncer = Syncer(store, msgspec.structs.replace(settings, cloud_url="http://c"))
        assert await syncer.step(cloud) > 0
    shown = await store.read(lambda conn: status(conn, syncer.endpoint))  # what GET /api/sync shows the desk
    assert shown.acked_seq == 0 and shown.last_error == f"HTTP 403: {receiver.NOT_PAIRED}", shown


def test_a_database_url_that_is_not_postgresql_is_one_plain_line_and_exit_2(tmp_path):
    run = floorcraft(
        tmp_path, "cloud", "boxes", env={"FLOORCRAFT_CLOUD_DATABASE_URL": "mysql://cloud/results"}, text=True
    )
    assert run.returncode == 2 and run.stdout == "", run
    assert run.stderr.strip().splitlines() == [
        "floorcraft: bad value for FLOORCRAFT_CLOUD_DATABASE_URL: must be a PostgreSQL URL such as "
        "postgresql://user:password@host/dbname (or empty)"
    ]
    assert not (tmp_path / "cloud.sqlite3").exists()


class _Portal(http.server.BaseHTTPRequestHandler):
    """A venue's captive portal: it answers every POST with 200 and a web page, whatever was asked."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><body>Welcome to the venue Wi-Fi: accept the terms</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_pairing_through_a_captive_portal_is_one_plain_line_and_nothing_is_written(tmp_path):
    portal = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Portal)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{portal.server_address[1]}"
        run = floorcraft(tmp_path, "pair", "ABCDE-FGHJK", env={"FLOORCRAFT_CLOUD_URL": url}, text=True)
    finally:
        portal.shutdown()
        portal.server_close()
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(f"floorcraft: pair: {url}/cloud/pair did not answer as a Floorcraft cloud"), line
    assert not (tmp_path / "cloud-pairing.json").exists()
