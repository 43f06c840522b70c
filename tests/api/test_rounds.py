"""Closing registration provisions the competition: bibs, round plans, draws and each floor's running order."""

from __future__ import annotations

import pytest


@pytest.fixture
async def registered(api):
    """26 couples in a Standard event on the main floor, 7 in a Latin event on the second floor."""
    comp = await api.competition(first_bib=101)
    standard = await api.event(comp["id"], max_per_heat=12)
    latin = await api.event(
        comp["id"], name="Adult Latin", style="latin", dances=["C", "R"], floor="Second floor", final_size=8
    )
    link = await api.link(comp["id"])
    for i in range(26):
        await api.register(link["token"], f"Leader {i}", f"Follower {i}", [standard["id"]])
    for i in range(7):
        await api.register(link["token"], f"Latin {i}", f"Partner {i}", [latin["id"]])
    return comp, standard, latin, link


async def close(api, comp, seed=42):
    return await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": seed})


async def test_closing_gives_bibs_plans_rounds_and_draws_the_first(api, registered):
    comp, _standard, _latin, _ = registered
    report = await close(api, comp)
    assert report["bibs"] == 33 and report["seed"] == 42
    plans = {p["event"]: p for p in report["events"]}
    rounds = plans["Adult Standard"]["rounds"]
    assert [(r["name"], r["planned_couples"], r["recall"]) for r in rounds] == [
        ("1st round", 26, 12),
        ("Semi-final", 12, 6),
        ("Final", 6, None),
    ]
    first = rounds[0]
    assert first["state"] == "drawn" and set(first["heats"]) == {"W", "T", "Q"}
    assert [len(h) for h in first["heats"]["W"]] == [9, 9, 8]
    assert sorted(b for h in first["heats"]["W"] for b in h) == list(range(101, 127))
    assert [(r["name"], r["kind"]) for r in plans["Adult Latin"]["rounds"]] == [("Final", "final")]
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    assert len({e["couple"]["bib"] for e in entries}) == 33


async def test_the_same_seed_gives_the_same_draw(api, registered, settings):
    comp, standard, *_ = registered
    first = (await close(api, comp, seed=7))["events"][0]["rounds"][0]["heats"]
    assert (await api.ok("GET", f"/api/events/{standard['id']}/plan"))["rounds"][0]["heats"] == first


async def test_after_closing_registration_is_refused(api, registered):
    comp, standard, _, link = registered
    await close(api, comp)
    await api.refused("POST", f"/api/competitions/{comp['id']}/close-registration", 409, "competition_id", json={})
    await api.refused(
        "POST",
        f"/api/register/{link['token']}/couple",
        410,
        "token",
        json={"leader": "Late", "follower": "Comer", "events": [standard["id"]]},
    )
    await api.refused(
        "POST",
        f"/api/competitions/{comp['id']}/events",
        409,
        "competition_id",
        json={"name": "New", "style": "latin", "dances": ["C"]},
    )
    await api.refused(
        "POST", f"/api/competitions/{comp['id']}/registration-links", 409, "competition_id", json={"role": "couple"}
    )
    await api.refused("POST", "/api/competitions/99/close-registration", 404, "competition_id", json={})
    await api.refused("POST", f"/api/competitions/{comp['id']}/close-registration", 400, "seed", json={"seed": -1})


async def test_a_late_entry_gets_the_next_bib_and_joins_the_first_round(api, registered):
    comp, standard, *_ = registered
    await close(api, comp)
    bibs_before = {
        e["couple"]["id"]: e["couple"]["bib"] for e in await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    }
    receipt = await api.ok(
        "POST", f"/api/events/{standard['id']}/entries", 201, json={"leader": "Late", "follower": "Comer"}
    )
    assert receipt["couple"]["bib"] == 134 and receipt["entries"][0]["late"] is True
    bibs_after = {
        e["couple"]["id"]: e["couple"]["bib"] for e in await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    }
    assert {k: bibs_after[k] for k in bibs_before} == bibs_before  # bibs given are never changed
    plan = await api.ok("GET", f"/api/events/{standard['id']}/plan")
    assert plan["entries"] == 27
    assert 134 in [b for h in plan["rounds"][0]["heats"]["W"] for b in h]


async def test_a_scratch_before_the_event_starts_takes_the_couple_out_of_the_first_round(api, registered):
    comp, standard, *_ = registered
    await close(api, comp)
    entries = [
        e for e in await api.ok("GET", f"/api/competitions/{comp['id']}/entries") if e["event_id"] == standard["id"]
    ]
    await api.ok("POST", f"/api/entries/{entries[0]['id']}/scratch")
    plan = await api.ok("GET", f"/api/events/{standard['id']}/plan")
    assert plan["entries"] == 25 and entries[0]["couple"]["bib"] not in [
        b for h in plan["rounds"][0]["heats"]["W"] for b in h
    ]


async def test_the_chair_changes_the_plan_before_the_event_starts(api, registered):
    comp, standard, *_ = registered
    await close(api, comp)
    plan = await api.ok("PUT", f"/api/events/{standard['id']}/plan", json={"recalls": [14, 7]})
    assert [(r["planned_couples"], r["recall"]) for r in plan["rounds"]] == [(26, 14), (14, 7), (7, None)]
    await api.refused("PUT", f"/api/events/{standard['id']}/plan", 422, "recalls", json={"recalls": [30, 6]})
    await api.refused("PUT", f"/api/events/{standard['id']}/plan", 422, "recalls", json={"recalls": [12]})
    await api.refused("PUT", f"/api/events/{standard['id']}/plan", 400, "recalls[0]", json={"recalls": [0]})
    await api.refused("PUT", "/api/events/99/plan", 404, "event_id", json={"recalls": [6]})
    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")
    await api.refused("PUT", f"/api/events/{standard['id']}/plan", 409, "event_id", json={"recalls": [12, 6]})
    await api.refused(
        "POST", f"/api/events/{standard['id']}/entries", 409, "event_id", json={"leader": "Too", "follower": "Late"}
    )


async def test_no_plan_before_registration_closes(api, registered):
    _, standard, *_ = registered
    await api.refused("PUT", f"/api/events/{standard['id']}/plan", 409, "event_id", json={"recalls": [6]})
    assert (await api.ok("GET", f"/api/events/{standard['id']}/plan"))["rounds"] == []


async def test_the_running_order_flattens_rounds_dances_and_heats(api, registered):
    comp, *_ = registered
    await close(api, comp)
    main, second = (f["id"] for f in comp["floors"])
    order = await api.ok("GET", f"/api/floors/{main}/running-order")
    assert [(i["dance"], i["heat"], i["heats"]) for i in order] == [
        (d, h, 3) for d in ("W", "T", "Q") for h in (1, 2, 3)
    ]
    assert [i["position"] for i in order] == list(range(1, 10))
    latin = await api.ok("GET", f"/api/floors/{second}/running-order")
    assert [(i["round"], i["dance"], len(i["bibs"])) for i in latin] == [("Final", "C", 7), ("Final", "R", 7)]


async def test_start_next_previous_stop_move_the_floor(api, registered):
    comp, *_ = registered
    floor = comp["floors"][0]["id"]
    await api.refused("POST", f"/api/floors/{floor}/start", 409, "floor_id")  # nothing scheduled yet
    await close(api, comp)
    status = await api.ok("GET", f"/api/floors/{floor}/status")
    assert status["state"] == "idle" and status["now"] is None and status["next"]["position"] == 1
    await api.refused("POST", f"/api/floors/{floor}/next", 409, "floor_id")  # not started
    status = await api.ok("POST", f"/api/floors/{floor}/start")
    assert (status["state"], status["now"]["position"], status["next"]["position"]) == ("running", 1, 2)
    await api.refused("POST", f"/api/floors/{floor}/start", 409, "floor_id")
    await api.refused("POST", f"/api/floors/{floor}/previous", 409, "floor_id")  # at the first item
    for _ in range(8):
        status = await api.ok("POST", f"/api/floors/{floor}/next")
    assert status["now"]["position"] == 9 and status["next"] is None
    await api.refused("POST", f"/api/floors/{floor}/next", 409, "floor_id")
    status = await api.ok("POST", f"/api/floors/{floor}/previous")
    assert status["now"]["position"] == 8
    status = await api.ok("POST", f"/api/floors/{floor}/stop")
    assert status["state"] == "stopped" and status["now"]["position"] == 8
    status = await api.ok("POST", f"/api/floors/{floor}/start")
    assert status["state"] == "running" and status["now"]["position"] == 8
    await api.refused("GET", "/api/floors/99/status", 404, "floor_id")
    await api.refused("GET", "/api/floors/99/running-order", 404, "floor_id")
    await api.refused("POST", "/api/floors/99/next", 404, "floor_id")
