"""The chair's PIN resists guessing (issue #9 point 6): checked first, 6+ digits, a growing lockout kept in the DB.

The box's clock is moved by the test (the store's injectable clock), so nothing waits on wall time.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from litestar.testing import AsyncTestClient

from appliance.app import create_app
from appliance.services import chair_pin
from tests.api.test_marks import bibs_of, judged, places  # noqa: F401 - `judged` is a fixture
from tests.conftest import enrolled

PIN = "246813"


class Clock:
    """The box's clock, moved by hand."""

    def __init__(self):
        self.now = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.UTC)

    def __call__(self) -> str:
        return self.now.isoformat(timespec="milliseconds")

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
async def computed(api, client, judged):
    """The final computed, the chair's PIN set; the clock is the test's from here on."""
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    for dance in ("C", "R"):
        for j in "ABC":
            sent = await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/{dance}", places(bibs_of(rnd)))
            assert sent.status_code == 200
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    assert (await chair.put(f"/api/competitions/{comp['id']}/chair-pin", {"pin": PIN})).status_code == 204
    clock = Clock()
    client.app.state["ctx"].store.clock = clock
    return comp, plans, chair, clock


def correction(rnd: dict, pin: str) -> tuple[str, dict]:
    bibs = bibs_of(rnd) if rnd["heats"] else [1, 2]  # a planned round has no couples yet
    return f"/api/rounds/{rnd['id']}/sheets/C/judges/A/correction", {"sheet": places(bibs, bibs[::-1]), "pin": pin}


async def attempt(device, rnd: dict, pin: str):
    path, body = correction(rnd, pin)
    return await device.post(path, body)


async def assert_locked(api, device, rnd: dict, seconds: int, pin: str = "000000") -> None:
    before = await api.head()
    response = await attempt(device, rnd, pin)
    assert response.status_code == 429, response.text
    assert response.headers["retry-after"] == str(seconds)
    error = response.json()["error"]
    assert error["field"] == "pin"
    assert error["message"] == f"too many wrong chair's PINs: try again in {seconds} seconds"
    assert await api.head() == before


async def test_a_new_pin_needs_six_digits(api, client, judged):
    comp, _, _ = judged
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    path = f"/api/competitions/{comp['id']}/chair-pin"
    for pin, message in (
        ("12345", "the chair's PIN must be 6 to 32 digits, not 5"),
        ("2468", "the chair's PIN must be 6 to 32 digits, not 4"),
        ("12a456", "the chair's PIN must be digits only (0-9)"),
        ("١٢٣٤٥٦", "the chair's PIN must be digits only (0-9)"),
    ):
        before = await api.head()
        response = await chair.put(path, {"pin": pin})
        assert response.status_code == 400, response.text
        assert response.json()["error"]["message"] == message and response.json()["error"]["field"] == "pin"
        assert await api.head() == before
    assert (await chair.put(path, {"pin": "123456"})).status_code == 204


async def test_a_wrong_pin_gets_the_same_answer_whatever_the_rounds_state(api, computed):
    _, plans, chair, _ = computed
    final = plans["Final Only"]["rounds"][0]  # computed
    first = plans["Two Rounds"]["rounds"][0]  # drawn, not computed
    later = plans["Two Rounds"]["rounds"][1]  # planned
    for rnd in (final, first, later):
        path, body = correction(rnd, "999999")
        error = await api.refused("POST", path, 401, "pin", json=body)
        assert error["message"] == "wrong chair's PIN"
    path, body = correction(first, PIN)
    error = await api.refused("POST", path, 409, "round_id", json=body)
    assert "not computed yet" in error["message"]  # only a right PIN learns the round's state
    assert (await chair.post(f"/api/rounds/{final['id']}/sign-off")).status_code == 200
    path, body = correction(final, "999999")
    assert (await api.refused("POST", path, 401, "pin", json=body))["message"] == "wrong chair's PIN"
    path, body = correction(first, "999999")  # the fifth wrong PIN in a row, on a round not computed
    assert (await api.refused("POST", path, 401, "pin", json=body))["message"] == "wrong chair's PIN"
    await assert_locked(api, api.client.device, first, 30, pin=PIN)  # no probing PINs on an open round either


async def test_wrong_pins_lock_the_device_out_for_longer_and_longer(api, computed, caplog):
    _, plans, _, clock = computed
    rnd = plans["Final Only"]["rounds"][0]
    desk = api.client.device
    caplog.set_level(logging.WARNING, logger="appliance.services.chair_pin")
    for _ in range(chair_pin.FREE_ATTEMPTS):
        assert (await attempt(desk, rnd, "111111")).status_code == 401
    await assert_locked(api, desk, rnd, 30)
    await assert_locked(api, desk, rnd, 30, pin=PIN)  # the right PIN is refused too while locked
    clock.advance(20)
    await assert_locked(api, desk, rnd, 10)
    clock.advance(10)
    assert (await attempt(desk, rnd, "222222")).status_code == 401
    await assert_locked(api, desk, rnd, 60)  # it grows
    clock.advance(60)
    assert (await attempt(desk, rnd, "333333")).status_code == 401
    await assert_locked(api, desk, rnd, 120)
    clock.advance(120)
    assert (await attempt(desk, rnd, PIN)).status_code == 200  # a right PIN once free: counts cleared
    assert (await attempt(desk, rnd, "444444")).status_code == 401
    wrong = [r for r in caplog.records if r.levelno == logging.WARNING and "wrong chair's PIN" in r.getMessage()]
    assert len(wrong) == chair_pin.FREE_ATTEMPTS + 3 and "locked out for 120 s" in wrong[-2].getMessage()
    assert any("refused, locked out for 30 s" in r.getMessage() for r in caplog.records)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert not any(pin in logged for pin in ("111111", "222222", "333333", "444444", PIN))


async def test_the_lockout_covers_every_device_of_the_competition(api, client, computed):
    comp, plans, _, _ = computed
    rnd = plans["Final Only"]["rounds"][0]
    desks = [await enrolled(client, "scrutineer", competition_id=comp["id"]) for _ in range(3)]
    for i in range(chair_pin.FREE_ATTEMPTS):  # spread over two devices: neither reached five on its own
        assert (await attempt(desks[i % 2], rnd, f"55555{i}")).status_code == 401
    for desk in desks:  # the third device never tried
        await assert_locked(api, desk, rnd, 30, pin=PIN)


async def test_the_lockout_follows_the_device_to_another_competition(api, client, computed):
    _, plans, _, _ = computed
    owner = api.client.device  # the box's owner may correct in every competition
    other = await api.competition(name="Autumn Cup", floors=["Main floor"])
    await api.ok("POST", f"/api/competitions/{other['id']}/adjudicators", 201, json={"name": "Eve"})
    event = await api.event(other["id"], name="Small Final", style="latin", dances=["C"])
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A"]})
    link = await api.link(other["id"])
    for i in range(6):
        await api.register(link["token"], f"L{i}", f"F{i}", [event["id"]])
    await api.ok("POST", f"/api/competitions/{other['id']}/close-registration", json={"seed": 2})
    other_round = (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"][0]
    other_chair = await enrolled(client, "chair", competition_id=other["id"])
    assert (await other_chair.put(f"/api/competitions/{other['id']}/chair-pin", {"pin": "975310"})).status_code == 204
    for _ in range(chair_pin.FREE_ATTEMPTS):
        assert (await attempt(owner, plans["Final Only"]["rounds"][0], "111111")).status_code == 401
    await assert_locked(api, owner, other_round, 30)  # the device is locked everywhere
    other_desk = await enrolled(client, "scrutineer", competition_id=other["id"])
    assert (await attempt(other_desk, other_round, "111111")).status_code == 401  # that competition is not


async def test_a_restart_does_not_reset_the_lockout(api, client, computed, settings):
    _, plans, _, clock = computed
    rnd = plans["Final Only"]["rounds"][0]
    desk = api.client.device
    for _ in range(chair_pin.FREE_ATTEMPTS):
        assert (await attempt(desk, rnd, "111111")).status_code == 401
    async with AsyncTestClient(create_app(settings)) as restarted:  # a new process on the same database
        restarted.app.state["ctx"].store.clock = clock
        desk.http = restarted
        clock.advance(5)
        response = await attempt(desk, rnd, PIN)
        assert response.status_code == 429 and response.headers["retry-after"] == "25"


def test_the_lockout_doubles_up_to_an_hour():
    assert [chair_pin.lock_after(n) for n in range(1, 5)] == [None] * 4
    seconds = [chair_pin.lock_after(n).total_seconds() for n in range(5, 14)]
    assert seconds == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
