"""Issue 12 point 5: the box's refusals before any use case runs, in the asker's language, on a real server.

A signed request refused by auth (no signature, a bad one, a role that may not, a revoked device), and the plain-ASGI
refusals of the middleware (a Host the box does not answer to, the rate limit) are said in German to a browser that
asks for German (Accept-Language, or the page's switch: the cookie floorcraft.lang=de) and in today's English to a
program that names no language (httpx, curl).
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
SWITCHED = {"Accept-Language": "en-US,en;q=0.9", "Cookie": "floorcraft.lang=de"}  # an English browser, switched


def _message(response: httpx.Response) -> str:
    return response.json()["error"]["message"]


async def _enrolled(base: str, url: str) -> SignedClient:
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        return await SignedClient.enrol(http, url)


def _signed(
    http: httpx.Client, device: SignedClient, method: str, path: str, body=None, headers=None
) -> httpx.Response:
    content = b"" if body is None else json.dumps(body).encode()
    sent = device.sign(method, path, content) | ({"Content-Type": "application/json"} if body is not None else {})
    return http.request(method, path, content=content, headers=sent | (headers or {}))


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    """A box with its owner (the first scrutineer) and one competition; no demo (the smallest box)."""
    server = Server(tmp_path_factory.mktemp("refusals"), demo=False).start()
    http = httpx.Client(base_url=server.base, timeout=10)
    try:
        owner = asyncio.run(_enrolled(server.base, server.first_enrolment_url()))
        competition = {"name": "Pokal", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Halle"}
        made = _signed(http, owner, "POST", "/api/competitions/", competition | {"floors": ["Main"]})
        assert made.status_code == 201, made.text
        yield {"server": server, "http": http, "owner": owner, "cid": made.json()["id"]}
    finally:
        http.close()
        server.terminate()


def _display(box: dict) -> tuple[SignedClient, str]:
    """A hall display enrolled for the box's competition, and its device id."""
    body = {"role": "display", "competition_id": box["cid"]}
    made = _signed(box["http"], box["owner"], "POST", "/api/enrolments", body)
    assert made.status_code in (200, 201), made.text
    device = asyncio.run(_enrolled(box["server"].base, made.json()["url"]))
    return device, device.device_id


def test_an_unsigned_request_is_refused_in_the_language_of_the_page(box):
    english = box["http"].get("/api/devices")
    assert english.status_code == 401 and _message(english).startswith("this needs a signed request")
    for asked in (GERMAN, SWITCHED):
        german = box["http"].get("/api/devices", headers=asked)
        assert german.status_code == 401 and german.json()["error"]["field"] == "X-Signature"
        assert _message(german) == (
            "dies braucht eine signierte Anfrage von einem angemeldeten Gerät "
            "(X-Device, X-Counter, Idempotency-Key, X-Signature)"
        )


def test_a_bad_signature_is_refused_in_german_and_in_english_for_a_program(box):
    owner = box["owner"]
    for headers, said in ((GERMAN, "falsche Signatur"), ({}, "bad signature")):
        sent = owner.sign("GET", "/api/devices", b"") | {"X-Signature": "A" * 43} | headers
        refused = box["http"].get("/api/devices", headers=sent)
        assert refused.status_code == 401 and _message(refused) == said


def test_a_role_that_may_not_is_refused_with_its_role_said_in_german(box):
    display, _id = _display(box)
    assert _signed(box["http"], display, "GET", f"/api/competitions/{box['cid']}").status_code == 200
    english = _signed(box["http"], display, "GET", "/api/devices")
    assert english.status_code == 403 and _message(english) == "a display device may not do this"
    german = _signed(box["http"], display, "GET", "/api/devices", headers=GERMAN)
    assert german.status_code == 403 and _message(german) == "ein Gerät der Hallenanzeige darf dies nicht"


def test_a_revoked_device_is_refused_in_german(box):
    display, device_id = _display(box)
    revoked = _signed(box["http"], box["owner"], "POST", f"/api/devices/{device_id}/revoke", headers=GERMAN)
    assert revoked.status_code == 200, revoked.text
    again = _signed(box["http"], box["owner"], "POST", f"/api/devices/{device_id}/revoke", headers=SWITCHED)
    assert again.status_code == 409 and _message(again) == "das Gerät ist schon gesperrt"
    refused = _signed(box["http"], display, "GET", f"/api/competitions/{box['cid']}", headers=GERMAN)
    assert refused.status_code == 403 and _message(refused) == "dieses Gerät wurde gesperrt"


def test_a_name_the_box_does_not_answer_to_is_refused_in_german(box):
    path = "/api/health"
    english = box["http"].get(path, headers={"Host": "evil.example"})
    assert english.status_code == 400 and _message(english) == "this box does not answer to the name 'evil.example'"
    for asked in (GERMAN, SWITCHED):
        german = box["http"].get(path, headers={"Host": "evil.example"} | asked)
        assert german.status_code == 400 and german.json()["error"]["code"] == "bad_host"
        assert _message(german) == "diese Box antwortet nicht auf den Namen 'evil.example'"


def test_a_flood_of_registrations_is_told_to_wait_in_german(box):
    """The registration group's burst is 60 (appliance/trust/ratelimit.py): 300 requests at most, stopping at the
    429."""
    answers = []
    for _ in range(300):
        answer = box["http"].get("/api/register/no-such-token", headers=SWITCHED)
        answers.append(answer)
        if answer.status_code == 429:
            break
    assert answers[0].status_code == 404 and "Anmeldelink" in _message(answers[0])  # its own German
    limited = answers[-1]
    assert limited.status_code == 429 and limited.headers["retry-after"]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert _message(limited) == "zu viele Anfragen: bitte einen Moment warten"
    english = box["http"].get("/api/register/no-such-token")  # the same client, still limited: a program's English
    assert english.status_code == 429 and _message(english) == "too many requests: wait a moment"


def test_a_csv_import_s_row_errors_are_said_in_german_and_nothing_is_imported(box):
    """The rows' own words (details) as well as the answer's: in the asker's language."""
    http, owner, cid = box["http"], box["owner"], box["cid"]
    body = {"name": "Adult Standard", "style": "standard", "dances": ["W"], "final_size": 6}
    event = _signed(http, owner, "POST", f"/api/competitions/{cid}/events", body).json()["id"]
    row = f"Leo Leader,Fay Follower,TSC Rot-Weiss,GER,{event}"
    csv = f"leader,follower,club,country,events\n{row}\n{row}\n".encode()
    path = f"/api/competitions/{cid}/entries/import"
    sent = owner.sign("POST", path, csv) | {"Content-Type": "text/csv"} | GERMAN
    refused = http.post(path, content=csv, headers=sent)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["message"].startswith("1 Zeile hat Fehler; nichts wurde importiert")
    assert error["details"] == [
        {"row": 3, "field": "events", "message": f"Leo Leader / Fay Follower sind schon in Turnier {event} gemeldet"}
    ]
    assert _signed(http, owner, "GET", f"/api/competitions/{cid}/entries").json() == []


def test_the_live_stream_and_the_schema_refuse_in_german_too(box):
    """The plain-ASGI routes outside the app (the live stream, the OpenAPI document's paths) speak the same way."""
    http = box["http"]
    for headers in (GERMAN, SWITCHED):
        floor = http.get("/api/live?floor=x", headers=headers)
        assert floor.status_code == 400
        assert _message(floor) == "floor muss die Nummer einer Fläche sein (eine ganze Zahl ab 1)"
        posted = http.post("/api/live", headers=headers)
        assert posted.status_code == 405
        assert _message(posted) == "der Live-Stream nimmt GET an, nicht POST"
        schema = http.get("/api/schema/nothing", headers=headers)
        assert schema.status_code == 404
        assert _message(schema).startswith("kein Dokument unter /api/schema/nothing")
    assert _message(http.get("/api/live?floor=x")) == "floor must be a floor id (a whole number from 1)"
    assert _message(http.post("/api/live")) == "the live stream takes GET, not POST"
