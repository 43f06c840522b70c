"""A whole competition through HTTP only: set up, register, close, enrol seven judges, judge every round, resolve a
tie at the cut, sign off the final; the official result is what `floorcraft skate` gives for the same marks."""

from __future__ import annotations

import json
import subprocess
import sys

from appliance.simulate import Simulation
from tests.conftest import ROOT


async def _setup(api, couples: int = 26) -> dict:
    comp = await api.competition(floors=["Main floor"])
    for name in ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay", "Gus"]:
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    event = await api.event(comp["id"], name="Adult Standard Open", max_per_heat=12)
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": list("ABCDEFG")})
    link = await api.link(comp["id"])
    for i in range(couples):
        await api.register(link["token"], f"Leader {i}", f"Follower {i}", [event["id"]])
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 5})
    return comp, event


def skate(sheet: dict) -> dict:
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "skate", "--json", "-"],
        input=json.dumps(sheet).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


async def _force_tie_in_first_round(api, simulation: Simulation, event: dict, floor: int) -> list[int]:
    """Round 1 as the tablets send it: all seven judges cross the same couples but split on the 12th place."""
    first = (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"][0]
    bibs = sorted(b for h in first["heats"]["W"] for b in h)
    await api.ok("POST", f"/api/floors/{floor}/start")
    for i, (_, tablet) in enumerate(sorted(simulation.judges.items())):
        for dance in ("W", "T", "Q"):
            crossed = [*bibs[:11], bibs[11] if i % 2 == 0 else bibs[12]] if i < 6 else [*bibs[:11], bibs[13]]
            response = await tablet.post(f"/api/rounds/{first['id']}/sheets/{dance}", {"crosses": crossed})
            assert response.status_code == 200, response.text
    return bibs


async def test_a_three_round_event_judged_to_its_official_result(api, client, scrutineer):
    comp, event = await _setup(api)
    simulation = Simulation(client, scrutineer, comp["id"], seed=11, noise=4.0)
    await simulation.enrol_officials()
    bibs = await _force_tie_in_first_round(api, simulation, event, comp["floors"][0]["id"])
    first_id = (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"][0]["id"]
    tied = await api.ok("GET", f"/api/rounds/{first_id}/result")
    assert tied["tie_at_cut"] and [len(o) for o in tied["cut_options"]] == [11, 13]
    summary = await simulation.run()  # the chair recalls the larger group; then semi-final and final
    assert summary.ties_decided >= 1 and summary.finals_signed == 1

    plan = await api.ok("GET", f"/api/events/{event['id']}/plan")
    assert [r["name"] for r in plan["rounds"]] == ["1st round", "Semi-final", "Final"]
    assert [r["state"] for r in plan["rounds"]] == ["closed", "closed", "official"]
    assert plan["rounds"][1]["planned_couples"] == 13 and bibs[13] not in plan["rounds"][1]["heats"]["W"][0]

    final = plan["rounds"][-1]
    result = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    marks = await api.ok("GET", f"/api/rounds/{final['id']}/marks")
    by_skate = skate(marks)
    assert result["official"] is True
    assert result["places"] == by_skate["result"] and result["dances"] == by_skate["dances"]
    assert result["decided_by"] == by_skate["decided_by"]
    semi = plan["rounds"][1]
    assert (
        skate(await api.ok("GET", f"/api/rounds/{semi['id']}/marks"))["totals"]
        == (await api.ok("GET", f"/api/rounds/{semi['id']}/result"))["totals"]
    )

    standings = await api.ok("GET", f"/api/events/{event['id']}/results")
    assert standings["official"] is True and len(standings["placings"]) == 26
    assert standings["placings"][0]["place_from"] == 1
    out_first = [p for p in standings["placings"] if p["round"] == "1st round"]
    assert len(out_first) == 13 and out_first[-1]["place_to"] == 26 and out_first[0]["place_from"] == 14


async def test_a_tie_at_the_cut_waits_for_the_chair(api, client, scrutineer):
    comp, event = await _setup(api, couples=14)  # 14 couples: 1st round recalls 6, then a final
    simulation = Simulation(client, scrutineer, comp["id"], seed=3)
    await simulation.enrol_officials()
    plan = await api.ok("GET", f"/api/events/{event['id']}/plan")
    first = plan["rounds"][0]
    bibs = sorted(b for h in first["heats"]["W"] for b in h)
    floor = comp["floors"][0]["id"]
    await api.ok("POST", f"/api/floors/{floor}/start")
    # Every judge crosses the same six couples except that the 6th and 7th couple share the crosses: a tie on the cut.
    for i, (letter, tablet) in enumerate(sorted(simulation.judges.items())):
        for dance in ("W", "T", "Q"):
            crossed = [*bibs[:5], bibs[5] if i % 2 == 0 else bibs[6]]
            if letter == "G":
                crossed = [*bibs[:5], bibs[7]]
            response = await tablet.post(f"/api/rounds/{first['id']}/sheets/{dance}", {"crosses": crossed})
            assert response.status_code == 200, response.text
    result = await api.ok("GET", f"/api/rounds/{first['id']}/result")
    assert result["state"] == "awaiting_chair" and result["tie_at_cut"] is True and result["recalled"] is None
    assert [len(o) for o in result["cut_options"]] == [5, 7]
    response = await scrutineer.post(f"/api/rounds/{first['id']}/decision", {"recall": 7})
    assert response.status_code == 403  # the chair decides, not the scrutineer
    response = await simulation.chair.post(f"/api/rounds/{first['id']}/decision", {"recall": 6})
    assert response.status_code == 422 and response.json()["error"]["field"] == "recall"
    decided = await simulation.chair.post(f"/api/rounds/{first['id']}/decision", {"recall": 7})
    assert decided.status_code == 200 and decided.json()["recalled"] == bibs[:7]
    final = (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"][-1]
    assert final["state"] == "drawn" and sorted(final["heats"]["W"][0]) == bibs[:7]
