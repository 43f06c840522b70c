"""Issue #9 point 8, browser side: security headers on every answer, pages without inline script or style, and
public writes (registration through a link, enrolment completion) only from the box's own pages, only as JSON."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from appliance.model.devices import EnrolmentIn
from appliance.services import enrolment
from appliance.trust.client import SignedClient
from tests.conftest import ROOT

WEB = ROOT / "web"
PAGES = ["/", "/desk/", "/display/", "/join/", "/judge/", "/register/", "/results/"]
EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


def directives(csp: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in csp.split(";")) if d}


def assert_defended(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.url, name)
    csp = directives(response.headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and all(s.startswith("'sha256-") for s in csp["script-src"][1:])
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"] and csp["img-src"] == ["'self'", "data:"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]


async def test_every_answer_carries_the_security_headers(client):
    answers = [await client.get(path) for path in PAGES]
    answers += [
        await client.get(p)
        for p in (
            "/desk/desk.js",
            "/style.css",
            "/lib/importmap.json",
            "/api/health",
            "/api/schema",
            "/api/live/state",
            "/api/competitions",
            "/no/such/page",
        )
    ]
    answers.append(await client.delete("/api/health"))  # 405
    answers.append(await client.get("/api/health", headers={"host": "attacker.example"}))  # 400 from the Host check
    answers.append(await client.post("/api/enrol", content=b"x", headers={"content-type": "text/plain"}))  # 415
    assert {a.status_code for a in answers} >= {200, 400, 401, 404, 405, 415}
    for answer in answers:
        assert_defended(answer)


async def test_a_rate_limited_answer_carries_them_too(client):
    for _ in range(70):
        response = await client.get("/api/register/not-a-real-token")
    assert response.status_code == 429
    assert_defended(response)


def test_the_pages_have_no_inline_script_style_or_handler_but_the_hashed_import_map():
    from appliance.trust.browser import content_security_policy

    script_src = directives(content_security_policy(WEB))["script-src"]
    pages = sorted(WEB.rglob("*.html"))
    assert len(pages) >= 7
    for page in pages:
        html = page.read_text()
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), f"inline handler in {page}"
        assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), f"inline style in {page}"
        assert "<style" not in html.lower(), f"a <style> element in {page}"
        assert "javascript:" not in html.lower(), page
        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
            if 'src="' in attributes:
                assert not body.strip()
                continue
            assert attributes.strip() == 'type="importmap"', f"an inline script in {page}"
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in script_src, f"the import map of {page} is not allowed by the CSP"


@pytest.fixture
async def link(api):
    comp = await api.competition()
    event = await api.event(comp["id"])
    return (await api.link(comp["id"]))["token"], event["id"]


CROSS_SITE = [
    {"origin": "http://attacker.example"},
    {"origin": "null"},
    {"origin": "http://testserver.local:8080"},
    {"sec-fetch-site": "cross-site"},
    {"origin": "http://testserver.local", "sec-fetch-site": "cross-site"},
]


@pytest.mark.parametrize("headers", CROSS_SITE)
async def test_a_registration_from_another_site_is_refused_and_writes_nothing(api, client, link, headers):
    token, event = link
    before = await api.head()
    response = await client.post(
        f"/api/register/{token}/couple",
        headers=headers,
        json={"leader": "Anna Adler", "follower": "Ben Berger", "events": [event]},
    )
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert error["code"] == "cross_site" and "another site" in error["message"]
    assert error["field"] in ("Origin", "Sec-Fetch-Site")
    assert await api.head() == before


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/jsonx",
        "text/json",
    ],
)
async def test_a_registration_that_is_not_json_gets_415_and_writes_nothing(api, client, link, content_type):
    token, event = link
    before = await api.head()
    body = b'{"leader": "Anna Adler", "follower": "Ben Berger", "events": [%d]}' % event
    headers = {"content-type": content_type} if content_type else {}
    for role in ("couple", "adjudicator"):
        response = await client.post(f"/api/register/{token}/{role}", content=body, headers=headers)
        assert response.status_code == 415, response.text
        assert response.json()["error"]["field"] == "Content-Type"
    assert await api.head() == before


async def test_the_box_s_own_page_and_a_plain_client_still_register(api, client, link):
    token, event = link
    same_origin = {
        "origin": "http://testserver.local",
        "sec-fetch-site": "same-origin",
        "content-type": "application/json; charset=utf-8",
    }
    first = await client.post(
        f"/api/register/{token}/couple",
        headers=same_origin,
        json={"leader": "Anna Adler", "follower": "Ben Berger", "events": [event]},
    )
    second = await client.post(
        f"/api/register/{token}/couple",  # no Origin: curl, the Python client
        json={"leader": "Cara Cole", "follower": "Dan Dorn", "events": [event]},
    )
    assert (first.status_code, second.status_code) == (201, 201)


async def test_an_enrolment_completed_from_another_site_is_refused_and_the_qr_still_works(client):
    made = await enrolment.create_enrolment(client.app.state["ctx"], EnrolmentIn("scrutineer"))
    enrolment_id = made.url.split("#")[1].split(".")[0]
    body = {"enrolment_id": enrolment_id, "device_id": "attacker-0001", "public_key": "A" * 43, "proof": "0" * 64}
    cross = await client.post("/api/enrol", json=body, headers={"origin": "http://attacker.example"})
    fetched = await client.post("/api/enrol", json=body, headers={"sec-fetch-site": "cross-site"})
    form = await client.post(
        "/api/enrol", content=b"enrolment_id=x", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert (cross.status_code, fetched.status_code, form.status_code) == (403, 403, 415)
    device = await SignedClient.enrol(client, made.url)  # nothing was burned
    assert (await device.get("/api/devices")).status_code == 200


async def test_signed_requests_are_judged_by_their_signature_alone(api, scrutineer):
    comp = await api.competition()
    response = await scrutineer.request(
        "POST",
        f"/api/competitions/{comp['id']}/entries/import",
        content=b"leader,follower,club,country,events\n",
        headers={"content-type": "text/csv", "origin": "http://elsewhere.example"},
    )
    assert response.status_code == 200, response.text


async def test_the_cloud_receiver_s_pages_and_api_carry_them_too(tmp_path):
    from litestar.testing import AsyncTestClient

    from appliance.cloud import create_cloud_app

    async with AsyncTestClient(create_cloud_app(tmp_path / "cloud", WEB)) as cloud:
        answers = [
            await cloud.get("/cloud/web/results/"),
            await cloud.get("/cloud/boxes"),
            await cloud.get("/cloud/boxes/nobody/results"),
        ]
    assert answers[0].status_code == 200
    for answer in answers:
        assert_defended(answer)
