"""Strict request input (brief S12): a number sent as text and a JSON object naming a key twice are refused on every
route that takes a body (one app-level mechanism, appliance/api/body.py), after the signature is checked, in
plain words naming the field, in German too; `floor` or `only` given twice on the live endpoints is refused rather
than read as its last value; /api/live/state for a floor that does not exist is 404, as the stream answers.

A real `floorcraft serve` on loopback with the smallest box: its owner and one competition with one floor.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from appliance.api.body import StrictRequest
from appliance.app import create_app
from appliance.settings import Settings
from tests.conftest import Api
from tests.server import Server

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}
COMPETITION = {"name": "Pokal", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Halle"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("strict"), demo=False).start()
    yield running
    running.kill()


@pytest.fixture(scope="module")
def owned(server):
    """The box's owner (its first scrutineer's device) and its competition with one floor, made once."""

    async def made():
        async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
            api = await Api.of_owner(http, server)
            return api.device, await api.competition(**COMPETITION, floors=["Main"])

    return asyncio.run(made())


@pytest.fixture
async def box(server, owned):
    device, competition = owned
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        device.http = http
        yield Api(http, device), competition


async def _raw(api: Api, method: str, path: str, raw: bytes, headers: dict | None = None) -> httpx.Response:
    return await api.device.request(method, path, content=raw, headers=JSON | (headers or {}))


async def test_a_number_sent_as_text_is_refused_on_every_kind_of_route(box):
    api, competition = box
    cid = competition["id"]
    for method, path, body, field, words in (
        ("POST", "/api/competitions/", COMPETITION | {"floors": ["A"], "first_bib": "7"}, "first_bib", None),
        ("POST", "/api/rounds/1/sheets/W/judges/A", {"crosses": ["12"]}, "crosses[0]", "must be a whole number"),
        ("POST", "/api/enrolments", {"role": "chair", "competition_id": str(cid)}, "competition_id", "not text"),
        ("POST", "/api/schedule/move", {"round_id": 1, "position": "2"}, "position", "not text"),
    ):
        error = await api.refused(method, path, 400, field, json=body)
        assert error["code"] == "invalid", error
        if words:
            assert words in error["message"], error
    error = await api.refused("POST", "/api/competitions/", 400, "first_bib", json=COMPETITION | {"first_bib": "7"})
    assert error["message"] == "the first bib must be a number from 1 to 9000"  # the rule, as the desk shows it
    answer = await api.client.request("POST", "/api/rounds/1/sheets/W/judges/A", {"crosses": ["12"]}, headers=GERMAN)
    assert answer.json()["error"]["message"] == "crosses[0] muss eine ganze Zahl sein, nicht Text"
    as_number = await api.client.request("POST", "/api/rounds/1/sheets/W/judges/A", {"crosses": [12]})
    assert as_number.status_code == 404, as_number.text  # the same body with a number reads: there is no round 1


async def test_a_public_route_reads_its_body_strictly_too(box, server):
    api, _competition = box
    couple = {"leader": "Anna Alt", "follower": "Bert Alt", "events": ["1"]}
    answer = await api.raw.post("/api/register/no-such-link/couple", json=couple)
    assert answer.status_code == 400 and answer.json()["error"]["field"] == "events[0]", answer.text
    raw = b'{"leader": "Anna Alt", "follower": "Bert Alt", "leader": "Carl Alt", "events": [1]}'
    answer = await api.raw.post("/api/register/no-such-link/couple", content=raw, headers=JSON | GERMAN)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"] == {
        "status": 400,
        "code": "invalid",
        "message": "leader steht zweimal im Inhalt der Anfrage",
        "field": "leader",
    }
    fine = await api.raw.post("/api/register/no-such-link/couple", json=couple | {"events": [1]})
    assert fine.status_code in (404, 410), fine.text  # read, then the link is not found


async def test_a_key_given_twice_is_refused_naming_it_and_nothing_is_written(box):
    api, competition = box
    sheet = b'{"places": {"12": 1, "14": 2, "12": 3}}'
    for headers, words in (({}, "places names 12 twice"), (GERMAN, "places nennt 12 zweimal")):
        before = await api.head()
        answer = await _raw(api, "POST", "/api/rounds/1/sheets/F/judges/A", sheet, headers)
        assert answer.status_code == 400, answer.text
        assert answer.json()["error"] == {"status": 400, "code": "invalid", "message": words, "field": "places"}
        assert await api.head() == before
    correction = b'{"sheet": {"crosses": [1], "places": {"1": 1, "1": 2}}, "pin": "1234"}'
    answer = await _raw(api, "POST", "/api/rounds/1/sheets/F/judges/A/correction", correction)
    assert answer.status_code == 400 and answer.json()["error"]["message"] == "sheet.places names 1 twice"
    twice = b'{"name": "Cup", "name": "Other Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "H"}'
    answer = await _raw(api, "PATCH", f"/api/competitions/{competition['id']}", twice)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"] == "name is given twice in the request body"
    assert (await api.ok("GET", f"/api/competitions/{competition['id']}"))["name"] == "Pokal"


async def test_the_signature_is_checked_before_the_body_is_judged(box):
    api, _competition = box
    quoted = COMPETITION | {"floors": ["A"], "first_bib": "7"}
    assert (await api.raw.post("/api/competitions/", json=quoted)).status_code == 401
    twice = b'{"places": {"12": 1, "12": 2}}'
    unsigned = await api.raw.post("/api/rounds/1/sheets/F/judges/A", content=twice, headers=JSON)
    assert unsigned.status_code == 401, unsigned.text
    signed = await _raw(api, "POST", "/api/rounds/1/sheets/F/judges/A", twice)
    assert signed.status_code == 400, signed.text


def test_every_route_that_takes_a_body_reads_it_strictly(tmp_path):
    app = create_app(Settings(data_dir=str(tmp_path / "data"), mdns=False))
    taking = [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.signature_model is not None and "data" in handler.signature_model.__annotations__
    ]
    assert len(taking) > 25
    assert all(handler.resolve_request_class() is StrictRequest for handler in taking)


async def test_floor_or_only_given_twice_is_refused_on_the_live_endpoints(box):
    api, _competition = box
    for path in ("/api/live", "/api/live/state"):
        for query, name in (
            ("?floor=1&floor=2", "floor"),
            ("?only=results&only=", "only"),
            ("?floor=1&fl%6For=1", "floor"),
        ):
            answer = await api.raw.get(path + query)
            assert answer.status_code == 400, (path, query, answer.text)
            assert answer.json()["error"] == {
                "status": 400,
                "code": "invalid",
                "message": f"give {name} once",
                "field": name,
            }
        german = await api.raw.get(path + "?floor=1&floor=2", headers=GERMAN)
        assert german.json()["error"]["message"] == "geben Sie floor nur einmal an"


async def test_the_state_of_a_floor_that_does_not_exist_is_404(box):
    api, competition = box
    missing = await api.raw.get("/api/live/state", params={"floor": 999})
    assert missing.status_code == 404
    assert missing.json()["error"] == {"status": 404, "code": "not_found", "message": "no floor 999", "field": "floor"}
    german = await api.raw.get("/api/live/state", params={"floor": 999}, headers=GERMAN)
    assert german.json()["error"]["message"] == "keine Fläche 999"
    floor = competition["floors"][0]["id"]
    state = await api.raw.get("/api/live/state", params={"floor": floor})
    assert state.status_code == 200 and [f["floor_id"] for f in state.json()["floors"]] == [floor], state.text
    operation = (await api.raw.get("/api/schema")).json()["paths"]["/api/live/state"]["get"]
    assert "404" in operation["responses"] and "400" in operation["responses"]


def test_a_deep_body_with_a_key_twice_costs_memory_in_proportion_to_its_size():
    """Found by a probe: the path of every key was built as text at every level, so a 150 KB body nested 600 deep
    (100-character keys, 20 siblings a level) took ~390 MB before the signature was even checked. Now the
    path is written only for the object found, and shortened."""
    import tracemalloc

    from appliance.api.body import key_twice

    inner = '{"k": 1, "k": 2}'
    for _ in range(600):
        siblings = ",".join(f'"{"x" * 100}{i}": 0' for i in range(20))
        inner = "{" + siblings + f', "{"a" * 100}": ' + inner + "}"
    body = inner.encode()
    tracemalloc.start()
    try:
        found = key_twice(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found is not None
    message, field = found
    assert message.endswith("names k twice") and str(field).endswith("...") and len(str(field)) <= 300, found
    assert peak < 20 * len(body) + 20_000_000, peak  # in proportion to the body (the old code: ~300x its size)
