"""Issue #9 point 8 with a real `floorcraft serve` on loopback: X-Forwarded-For is not believed unless a setting
says so, and no registration token or enrolment secret reaches the server's log."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from appliance.trust.client import SignedClient
from tests.server import Server

SPOOFED = {"X-Forwarded-For": "10.9.9.9", "X-Forwarded-Proto": "https"}


@pytest.fixture
def box(tmp_path):
    # at debug the access log is on (it is off at info): every path is logged, so the redaction is tested
    running = Server(tmp_path, demo=False, env={"FLOORCRAFT_LOG_LEVEL": "debug"}).start()
    yield running
    running.kill()


def test_a_forwarded_for_header_does_not_change_who_the_client_is(box):
    with httpx.Client(base_url=box.base, timeout=10) as http:
        first = http.get("/api/setup/first-enrolment", headers=SPOOFED)
        assert first.status_code == 200, first.text  # still seen as loopback: the box's own screen
        assert first.json()["url"].startswith("http://127.0.0.1:")  # nor is the scheme taken from the header
        began = time.monotonic()
        statuses = [http.get("/api/register/not-a-real-token").status_code for _ in range(61)]
        while statuses[-1] != 429 and len(statuses) < 200:  # the bucket refills at 2/s while the requests go out
            statuses.append(http.get("/api/register/not-a-real-token").status_code)
        refilled = 2 * (time.monotonic() - began) + 1
        assert statuses[:60] == [404] * 60 and statuses[-1] == 429
        assert len(statuses) - 61 <= refilled, statuses
        began = time.monotonic()
        fresh = [
            http.get("/api/register/not-a-real-token", headers={"X-Forwarded-For": f"10.9.{i}.9"}).status_code
            for i in range(5)
        ]
        refilled = 2 * (time.monotonic() - began) + 1
    # a spoofed address does not get a fresh rate-limit bucket: only what the shared one refilled meanwhile passes
    assert fresh.count(429) >= 5 - refilled and set(fresh) <= {404, 429}, fresh


def test_a_trusted_proxy_s_forwarded_for_is_believed(tmp_path):
    box = Server(tmp_path, demo=False, env={"FLOORCRAFT_TRUSTED_PROXIES": "127.0.0.1"}).start()
    try:
        with httpx.Client(base_url=box.base, timeout=10) as http:
            forwarded = http.get("/api/setup/first-enrolment", headers={"X-Forwarded-For": "10.9.9.9"})
            direct = http.get("/api/setup/first-enrolment")
    finally:
        box.kill()
    assert (forwarded.status_code, direct.status_code) == (403, 200)


async def _register_and_enrol(box: Server) -> list[str]:
    """Everything a token or secret travels in: the form, both registrations, a judge's QR; returns the secrets."""
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, box.first_enrolment_url())
        await desk.post(
            "/api/competitions/",
            {"name": "Spring Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
        )
        await desk.post("/api/competitions/1/events", {"name": "Adult Latin", "style": "latin", "dances": ["C", "R"]})
        couple = (await desk.post("/api/competitions/1/registration-links", {"role": "couple"})).json()["token"]
        judges = (await desk.post("/api/competitions/1/registration-links", {"role": "adjudicator"})).json()["token"]
        assert (await http.get(f"/api/register/{couple}")).status_code == 200
        registered = await http.post(
            f"/api/register/{couple}/couple", json={"leader": "Anna Adler", "follower": "Ben Berger", "events": [1]}
        )
        assert registered.status_code == 201, registered.text
        assert (await http.post(f"/api/register/{judges}/adjudicator", json={"name": "Cara Cole"})).status_code == 201
        assert (await http.post(f"/api/register/{couple}/couple?x=1", content=b"{")).status_code == 415
        assert (await http.get(f"/api/register/{couple}x/nothing-here")).status_code in (404, 405)
        made = (await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "A"})).json()
        await SignedClient.enrol(http, made["url"])
        secret = made["url"].split("#")[1]
        return [couple, judges, secret, secret.split(".")[1]]


def test_no_registration_token_or_enrolment_secret_is_logged(box):
    secrets = asyncio.run(_register_and_enrol(box))
    box.terminate()  # every line is written as it is logged; stop only so the log is complete
    log = box.log_path.read_text()
    assert "/api/register/[redacted]/couple" in log  # the access log (debug) is on, with the paths redacted
    for secret in secrets:
        assert secret not in log
