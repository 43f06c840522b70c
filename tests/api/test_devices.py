"""Enrolment by QR and signed requests (security.md): forged, replayed, revoked, expired, reused, wrong role."""

from __future__ import annotations

import datetime as dt

import pytest

from appliance.model.devices import EnrolmentIn
from appliance.services import enrolment
from appliance.trust import crypto
from appliance.trust.client import EnrolmentFailed, SignedClient
from tests.conftest import enrolled

LOOPBACK_ONLY = {"/api/setup/first-enrolment"}
PUBLIC = {
    "/api/health",
    "/api/enrol",
    "/api/live",
    "/api/live/state",
    "/api/public/results",
    "/api/schedule",
    *LOOPBACK_ONLY,
    "/api/schema",
    "/api/schema/openapi.json",
    "/api/register/{token:str}",
    "/api/register/{token:str}/couple",
    "/api/register/{token:str}/adjudicator",
}


def ctx_of(client):
    return client.app.state["ctx"]


async def test_every_non_public_endpoint_answers_401_without_a_signature(client):
    checked = 0
    for route in client.app.routes:
        if not route.path.startswith("/api/") or route.path in PUBLIC or route.path.startswith("/api/schema"):
            continue
        path = (
            route.path.replace("{competition_id:int}", "1")
            .replace("{event_id:int}", "1")
            .replace("{floor_id:int}", "1")
            .replace("{couple_id:int}", "1")
            .replace("{entry_id:int}", "1")
            .replace("{device_id:str}", "device-1234")
            .replace("{round_id:int}", "1")
        )
        for method in route.methods - {"HEAD", "OPTIONS"}:
            response = await client.request(method, path, json={})
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"]["code"] == "unauthorized"
            checked += 1
    assert checked >= 28


async def test_the_first_enrolment_is_only_for_the_boxs_own_screen(client):
    response = await client.get("/api/setup/first-enrolment")  # the test client is not on loopback
    assert response.status_code == 403 and response.json()["error"]["field"] == "client"


async def test_a_device_enrolled_by_qr_signs_its_requests(api, scrutineer):
    assert scrutineer.role == "scrutineer"
    devices = await api.ok("GET", "/api/devices")
    assert [d["id"] for d in devices] == [scrutineer.device_id] and devices[0]["last_seen"]


async def test_a_forged_signature_is_refused_and_nothing_is_written(api, scrutineer):
    forger = SignedClient(scrutineer.http, scrutineer.device_id, b"\x00" * 32, "scrutineer")
    before = await api.head()
    response = await forger.post(
        "/api/competitions/",
        json={"name": "Fake", "starts_on": "2026-01-01", "ends_on": "2026-01-01", "venue": "Nowhere"},
    )
    assert response.status_code == 401 and response.json()["error"]["message"] == "bad signature"
    assert await api.head() == before


async def test_a_tampered_body_breaks_the_signature(api, scrutineer):
    body = b'{"role": "couple"}'
    headers = scrutineer.sign("POST", "/api/competitions/1/registration-links", body)
    response = await scrutineer.http.post(
        "/api/competitions/1/registration-links", content=b'{"role": "adjud"}', headers=headers
    )
    assert response.status_code == 401


async def test_a_replayed_counter_is_refused(api, scrutineer):
    await api.competition()
    body = b'{"role": "couple"}'
    headers = scrutineer.sign("POST", "/api/competitions/1/registration-links", body) | {
        "Content-Type": "application/json"
    }
    first = await scrutineer.http.post("/api/competitions/1/registration-links", content=body, headers=headers)
    assert first.status_code == 201
    before = await api.head()
    replay = await scrutineer.http.post("/api/competitions/1/registration-links", content=body, headers=headers)
    assert replay.status_code == 401 and "replayed" in replay.json()["error"]["message"]
    assert await api.head() == before


async def test_the_same_idempotency_key_returns_the_stored_answer_and_writes_once(api, scrutineer):
    await api.competition()
    first = await scrutineer.post(
        "/api/competitions/1/registration-links", {"role": "couple"}, idempotency_key="link-1"
    )
    head = await api.head()
    again = await scrutineer.post(
        "/api/competitions/1/registration-links", {"role": "couple"}, idempotency_key="link-1"
    )
    assert again.status_code == 201 and again.json() == first.json()
    assert await api.head() == head
    other = await scrutineer.post(
        "/api/competitions/1/registration-links", {"role": "adjudicator"}, idempotency_key="link-1"
    )
    assert other.status_code == 422 and other.json()["error"]["field"] == "Idempotency-Key"


async def test_a_revoked_device_is_refused_at_its_next_request(api, client):
    other = await enrolled(client)
    assert (await other.get("/api/competitions/")).status_code == 200
    revoked = await api.ok("POST", f"/api/devices/{other.device_id}/revoke")
    assert revoked["revoked"] is True
    response = await other.get("/api/competitions/")
    assert response.status_code == 403 and "revoked" in response.json()["error"]["message"]
    await api.refused("POST", f"/api/devices/{other.device_id}/revoke", 409, "device_id")
    await api.refused("POST", "/api/devices/nobody-at-all/revoke", 404, "device_id")


async def test_roles_are_enforced(api, client):
    await api.competition()
    display = await enrolled(client, "display", competition_id=1)
    assert (await display.get("/api/competitions/")).status_code == 200
    response = await display.post(
        "/api/competitions/", json={"name": "X", "starts_on": "2026-01-01", "ends_on": "2026-01-01", "venue": "Y"}
    )
    assert response.status_code == 403 and response.json()["error"]["message"] == "a display device may not do this"
    chair = await enrolled(client, "chair", competition_id=1)
    assert (await chair.post("/api/enrolments", json={"role": "display", "competition_id": 1})).status_code == 403


async def test_an_expired_enrolment_cannot_be_used(client, scrutineer):
    made = await enrolment.create_enrolment(ctx_of(client), EnrolmentIn("scrutineer"), dt.timedelta(seconds=-1))
    with pytest.raises(EnrolmentFailed, match="410"):
        await SignedClient.enrol(client, made.url)


async def test_an_enrolment_is_used_once_and_a_wrong_proof_does_not_burn_it(client, scrutineer):
    made = await enrolment.create_enrolment(ctx_of(client), EnrolmentIn("scrutineer"))
    enrolment_id = made.url.split("#")[1].split(".")[0]
    _, public = crypto.new_keypair()
    wrong = await client.post(
        "/api/enrol",
        json={"enrolment_id": enrolment_id, "device_id": "guesser-0001", "public_key": public, "proof": "0" * 64},
    )
    assert wrong.status_code == 401
    device = await SignedClient.enrol(client, made.url)  # still usable by the holder of the secret
    assert device.role == "scrutineer"
    with pytest.raises(EnrolmentFailed, match="410"):
        await SignedClient.enrol(client, made.url)


async def test_the_scrutineer_makes_qr_codes_for_each_role(api):
    await api.competition()
    await api.ok("POST", "/api/competitions/1/adjudicators", 201, json={"name": "Ann"})
    made = await api.ok("POST", "/api/enrolments", 201, json={"role": "adjudicator", "competition_id": 1, "judge": "A"})
    assert made["url"].startswith("http://127.0.0.1:8000/join#") and made["qr_svg"].startswith("<svg")
    await api.refused(
        "POST", "/api/enrolments", 422, "judge", json={"role": "adjudicator", "competition_id": 1, "judge": "Q"}
    )
    await api.refused("POST", "/api/enrolments", 422, "judge", json={"role": "adjudicator"})
    for role in ("chair", "display"):  # only a scrutineer may be enrolled for no competition (the box's owner)
        error = await api.refused("POST", "/api/enrolments", 422, "competition_id", json={"role": role})
        assert "needs a competition_id" in error["message"]
    await api.refused("POST", "/api/enrolments", 400, "role", json={"role": "king"})


async def test_no_secret_reaches_the_change_log(api, client):
    await api.ok("POST", "/api/enrolments", 201, json={"role": "scrutineer"})
    ctx = ctx_of(client)
    rows = ctx.store.read_sync(lambda conn: conn.execute("SELECT payload FROM change_log").fetchall())
    text = " ".join(r[0] for r in rows)
    secrets_ = ctx.store.read_sync(lambda conn: conn.execute("SELECT secret FROM enrolments").fetchall())
    assert all(crypto.b64u(bytes(s[0])) not in text for s in secrets_)
    keys = ctx.store.read_sync(lambda conn: conn.execute("SELECT key FROM devices").fetchall())
    assert all(crypto.b64u(bytes(k[0])) not in text and bytes(k[0]).hex() not in text for k in keys)
