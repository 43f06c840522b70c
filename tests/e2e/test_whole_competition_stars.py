"""Issue #10 point 9, its star couple and redance part: a whole event through HTTP only, with a couple seeded into
the semi-final and a redance after the 1st round, judged by simulated tablets to its official result; the final
is what `floorcraft skate` gives for the same marks, every couple has a place, the ESV document validates and
`floorcraft verify`'s rebuild of every table from the change log matches the database."""

from __future__ import annotations

from appliance.federation.esv import results_document
from appliance.federation.schema import results_errors
from appliance.simulate import Simulation
from tests.api.test_star_couples import bibs_in, entry_ids, rebuilt_matches, rounds_of
from tests.e2e.test_whole_competition import skate


async def test_an_event_with_a_star_couple_and_a_redance_judged_to_its_official_result(api, client, scrutineer):
    comp = await api.competition(floors=["Main floor"])
    for name in ["Ann Adler", "Bob Berg", "Cid Christ", "Dee Dorn", "Eve Ernst"]:
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    event = await api.event(comp["id"], name="Adult Standard Open", dances=["W", "T"], max_per_heat=10)
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": list("ABCDE")})
    link = await api.link(comp["id"])
    for i in range(20):
        await api.register(link["token"], f"Leo Leader{i}", f"Fay Follower{i}", [event["id"]])
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 7})
    for entry in await api.ok("GET", f"/api/competitions/{comp['id']}/entries"):
        await api.ok("PATCH", f"/api/couples/{entry['couple']['id']}", json={"country": "GER"})
    first = (await rounds_of(api, event))[0]
    star = bibs_in(first)[0]
    await api.ok("POST", f"/api/entries/{(await entry_ids(api, comp))[star]}/star", json={"round_number": 2})
    simulation = Simulation(client, scrutineer, comp["id"], seed=5, noise=3.0)
    await simulation.enrol_officials()
    plan = await simulation.chair.put(f"/api/events/{event['id']}/redance", {"recall": 2})
    assert plan.status_code == 200, plan.text
    assert [(r["planned_couples"], r["recall"]) for r in plan.json()["rounds"]] == [(19, 12), (15, 6), (6, None)]

    summary = await simulation.run()
    assert summary.finals_signed == 1
    rounds = await rounds_of(api, event)
    assert [r["name"] for r in rounds] == ["1st round", "Redance", "Semi-final", "Final"]
    assert [r["state"] for r in rounds] == ["closed", "closed", "closed", "official"]
    first, redance, semi, final = rounds
    assert len(bibs_in(redance)) == 7 and star in bibs_in(semi) and star not in bibs_in(first)
    assert len(bibs_in(semi)) >= 15  # 12 recalled + 2 from the redance + the star (more after a tie decided up)

    result = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    by_skate = skate(await api.ok("GET", f"/api/rounds/{final['id']}/marks"))
    assert result["official"] and result["places"] == by_skate["result"] and result["dances"] == by_skate["dances"]
    standings = await api.ok("GET", f"/api/events/{event['id']}/results")
    placed = standings["placings"]
    assert len(placed) == 20 and max(p["place_to"] for p in placed) == 20
    assert not [p for p in placed if p["round"] == "1st round"]  # nobody went out before the redance
    out_redance = [p for p in placed if p["round"] == "Redance"]
    assert len(out_redance) == 5 and min(p["place_from"] for p in out_redance) == len(bibs_in(semi)) + 1

    document = client.app.state["ctx"].store.read_sync(lambda conn: results_document(conn, event["id"]))
    assert results_errors(document) == [] and [r["runde"] for r in document["ablauf"]] == [1, "R", 2, "F"]
    assert rebuilt_matches(client) == []
