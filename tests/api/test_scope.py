"""Every role is scoped to its competition (issue #9 point 5): walk every signed route with devices of two competitions.

The box's owner (a scrutineer enrolled for no competition) sets up competitions 1 and 2. Each device enrolled
for competition 2 (scrutineer, chair, adjudicator, display) then tries every route of the app's route table on
competition 1's objects: 403 in plain words, and the change log does not move. A new route is walked too; one
whose path names no object must be listed below as the owner's only or as acting on the device's own competition.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from appliance.errors import Forbidden
from appliance.services.enrolment import first_scrutineer_enrolment
from appliance.trust import scope
from tests.api.test_devices import PUBLIC
from tests.conftest import enrolled

ROLES = ("scrutineer", "chair", "adjudicator", "display")
PARAM = re.compile(r"\{(\w+):\w+\}")
BOX_ONLY = {("POST", "/api/competitions"), ("GET", "/api/sync"), ("POST", "/api/sync/pair")}  # the box owner's
OWN = {("GET", "/api/competitions"), ("GET", "/api/devices"), ("POST", "/api/enrolments"), ("GET", "/api/judge/tasks")}
OWN |= {("PUT", "/api/schedule/settings"), ("POST", "/api/schedule/move")}  # the floor or round in the body


async def _competition(api, client, name: str) -> dict:
    """A competition with an adjudicator on the panel of a final of six couples, drawn; its objects' ids."""
    comp = await api.competition(name=name, floors=["Main floor"])
    cid = comp["id"]
    await api.ok("POST", f"/api/competitions/{cid}/adjudicators", 201, json={"name": "Ann"})
    event = await api.event(cid, name=f"{name} Latin", style="latin", dances=["C", "R"])
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A"]})
    link = await api.link(cid)
    for i in range(6):
        await api.register(link["token"], f"{name} L{i}", f"{name} F{i}", [event["id"]])
    await api.ok("POST", f"/api/competitions/{cid}/close-registration", json={"seed": 1})
    plan = await api.ok("GET", f"/api/events/{event['id']}/plan")
    entry = (await api.ok("GET", f"/api/competitions/{cid}/entries"))[0]
    spare = await enrolled(client, "display", competition_id=cid)  # a device of this competition to act on
    return {
        "competition_id": cid,
        "event_id": event["id"],
        "round_id": plan["rounds"][0]["id"],
        "floor_id": comp["floors"][0]["id"],
        "entry_id": entry["id"],
        "couple_id": entry["couple"]["id"],
        "device_id": spare.device_id,
        "dance": "C",
        "judge": "A",
        "doc": "couples",  # a printed document of the event (GET /api/events/{event_id}/print/{doc})
    }


@pytest.fixture
async def two(api, client):
    first, second = await _competition(api, client, "One"), await _competition(api, client, "Two")
    await api.ok("POST", f"/api/floors/{first['floor_id']}/start")  # judge A of competition 1 has a task now
    devices = {}
    for role in ROLES:
        seat = {"judge": "A"} if role == "adjudicator" else {}
        devices[role] = await enrolled(client, role, competition_id=second["competition_id"], **seat)
    return first, second, devices


def _routes(client):
    """(method, route path, roles) of every signed route in the app's route table."""
    for route in client.app.routes:
        if not route.path.startswith("/api/") or route.path in PUBLIC or route.path.startswith("/api/schema"):
            continue
        for method, handler in route.route_handler_map.items():
            if method not in ("HEAD", "OPTIONS"):
                yield method, route.path, handler[0].opt.get("roles", ())


def _fill(path: str, ids: dict) -> str:
    unknown = [p for p in PARAM.findall(path) if p not in ids]
    assert not unknown, f"{path}: the scope test does not know {unknown}: add them here and to appliance/trust/scope.py"
    return PARAM.sub(lambda m: str(ids[m.group(1)]), path)


def _body_for(method: str, path: str, first: dict) -> dict | None:
    if (method, path) == ("POST", "/api/enrolments"):
        return {"role": "display", "competition_id": first["competition_id"]}
    if (method, path) == ("PUT", "/api/schedule/settings"):
        return {"floor_id": first["floor_id"], "start": "2026-12-05T10:00:00+01:00"}
    if (method, path) == ("POST", "/api/schedule/move"):
        return {"round_id": first["round_id"], "position": 1}
    return {} if method in ("POST", "PUT", "PATCH") else None


def _only_own(answer, first: dict) -> bool:
    """Nothing of competition 1 in a list answer (competitions, devices, a judge's tasks)."""
    rows = answer["tasks"] if isinstance(answer, dict) else answer
    theirs = {first["competition_id"]}
    return all(r.get("competition_id", r.get("id")) not in theirs and r.get("id") != first["device_id"] for r in rows)


async def test_every_route_refuses_a_device_of_another_competition_and_writes_nothing(api, client, two):
    first, _, devices = two
    walked = set()
    for method, path, roles in _routes(client):
        named = [p for p in PARAM.findall(path) if p not in ("dance", "judge")]
        assert named or (method, path) in BOX_ONLY | OWN, f"{method} {path} names no object: list it in BOX_ONLY or OWN"
        for role, device in devices.items():
            before = await api.head()
            response = await device.request(method, _fill(path, first), _body_for(method, path, first))
            if method == "GET" and (method, path) in OWN and role in roles:  # a list of its own competition only
                assert response.status_code == 200 and _only_own(response.json(), first), (role, path, response.text)
                continue
            assert response.status_code == 403, (role, method, path, response.text)
            error = response.json()["error"]
            assert error["code"] == "forbidden" and error["message"], error
            if role in roles:  # refused for its competition, not for its role
                assert "enrolled for competition 2" in error["message"], (role, method, path, error)
            assert await api.head() == before, f"{role} {method} {path} wrote to the change log"
            walked.add((method, path))
    assert len(walked) >= 30


async def test_the_same_devices_act_on_their_own_competition(api, client, two):
    _, second, devices = two
    for method, path, roles in _routes(client):
        if (method, path) in BOX_ONLY:
            continue
        for role in roles:
            body = (
                {"role": "display", "competition_id": 2}
                if path == "/api/enrolments"
                else ({} if method in ("POST", "PUT", "PATCH") else None)
            )
            response = await devices[role].request(method, _fill(path, second), body)
            refused = response.status_code == 403 and "enrolled for competition" in response.text
            assert not refused, (role, method, path, response.text)


async def test_lists_show_a_device_only_its_own_competition(api, client, two):
    first, second, devices = two
    listed = (await devices["display"].get("/api/competitions/")).json()
    assert [c["id"] for c in listed] == [second["competition_id"]]
    assert {c["id"] for c in await api.ok("GET", "/api/competitions/")} == {1, 2}  # the owner sees both
    mine = (await devices["scrutineer"].get("/api/devices")).json()
    assert mine and {d["competition_id"] for d in mine} == {second["competition_id"]}
    assert first["device_id"] not in {d["id"] for d in mine}


async def test_a_scrutineer_of_one_competition_enrols_only_for_it(api, client, two):
    _, _, devices = two
    desk = devices["scrutineer"]
    made = await desk.post("/api/enrolments", json={"role": "chair", "competition_id": 2})
    assert made.status_code == 201
    before = await api.head()
    for body in ({"role": "scrutineer"}, {"role": "chair", "competition_id": 1}):
        refused = await desk.post("/api/enrolments", json=body)
        assert refused.status_code == 403 and refused.json()["error"]["field"] == "competition_id"
        assert "may only act on competition 2" in refused.json()["error"]["message"]
    assert await api.head() == before


async def test_the_chair_of_one_competition_cannot_set_anothers_pin_or_sign_off_its_final(api, client, two):
    first, second, devices = two
    chair = devices["chair"]
    before = await api.head()
    pin = await chair.put(f"/api/competitions/{first['competition_id']}/chair-pin", {"pin": "135792"})
    assert pin.status_code == 403
    assert pin.json()["error"]["message"] == "this chair device is enrolled for competition 2, not competition 1"
    signed = await chair.post(f"/api/rounds/{first['round_id']}/sign-off")
    assert signed.status_code == 403 and "round " in signed.json()["error"]["message"]
    assert await api.head() == before
    own = await chair.put(f"/api/competitions/{second['competition_id']}/chair-pin", {"pin": "135792"})
    assert own.status_code == 204


async def test_a_scrutineer_of_one_competition_does_not_own_the_box(api, client, two):
    _, _, devices = two
    ctx = client.app.state["ctx"]
    assert await first_scrutineer_enrolment(ctx, dt.timedelta(minutes=2)) is None  # the owner is enrolled
    owner = api.client.device.device_id
    refused = await devices["scrutineer"].post(f"/api/devices/{owner}/revoke")
    assert refused.status_code == 403 and refused.json()["error"]["message"] == (
        f"this scrutineer device is enrolled for competition 2: device {owner} belongs to the whole box"
    )
    await api.ok("POST", f"/api/devices/{owner}/revoke")
    made = await first_scrutineer_enrolment(ctx, dt.timedelta(minutes=2))  # nobody owns the box now
    assert made is not None and made.role == "scrutineer" and made.competition_id is None


def test_a_device_of_no_competition_but_the_owner_acts_on_nothing(tmp_path):
    from appliance.db.store import Store

    store = Store(tmp_path / "scope.sqlite3")
    try:
        for role in ("chair", "display", "adjudicator"):
            with pytest.raises(Forbidden, match="not enrolled for a competition"):
                store.read_sync(lambda conn, r=role: scope.check(conn, r, None, {}, {"competition_id": 1}))
        store.read_sync(lambda conn: scope.check(conn, "scrutineer", None, {}, {"competition_id": 1}))
        with pytest.raises(Forbidden, match="only the box's owner"):
            store.read_sync(lambda conn: scope.check(conn, "scrutineer", 2, {}, {}))
    finally:
        store.close()
