"""Issue #10 point 6: the redance (second-chance round, DTV "Hoffnungsrunde"), and a redance of the couples tied
at a recall cut.

Rule (domain.md "Special cases": "a redance (second chance round) for couples not recalled from the 1st round";
formats.md 1.6, the ESV's round key `R`): the couples the 1st round does not recall dance the redance; the chair
sets how many it recalls; they join the 2nd round with the couples the 1st round recalled. Places (domain.md
"Placings of couples who went out early"): nobody goes out in the 1st round; a couple out in the redance ranks
below every couple of the 2nd round, by its crosses in the redance.

Worked example: 14 couples, the plan 14 -> 7 -> 6 (judges A-C, Waltz and Tango), a redance recalling 2. The
1st round recalls 7; the other 7 dance the redance, which recalls r1 (6 crosses) and r2 (4); r3 (2 crosses) is
10th, the four with none share "11.-14."; the semi-final dances 7 + 2 = 9 couples.

Published rule text (found with the `search` tool): for the redance after the 1st round (DTV "Hoffnungsrunde",
WDSF redance) no published text found (the DTV TSO, Stand Mai 2015, http://docplayer.org/82885079, lists
"Turnierabwicklung" in its contents, but no paragraph on the Hoffnungsrunde came up); domain.md and formats.md
1.6. For the tie at the cut: the Skating System, "Number of Couples to Dance in a Final", 2-3 as numbered at
http://www.danceuniverse.co.kr/know/skating-k.htm ("If it is intended that six couples shall dance in a Final and
through a tie more couples qualify for consideration the number to dance shall be decided by the Chairman"): the
chair's decision, of which a redance of the tied couples is the third option here (that option itself: no
published text found; domain.md).
"""

from __future__ import annotations

import json

from appliance.federation.esv import results_document
from appliance.federation.schema import results_errors
from appliance.federation.wdsf import load_ids, results_payload
from appliance.printing.data import chair_report_doc
from appliance.services import lookups
from tests.api.test_round_panels import move_floor_to, tasks_of
from tests.api.test_star_couples import (
    bibs_in,
    key_round,
    placings_everywhere,
    rebuilt_matches,
    rounds_of,
    small_event,
)
from tests.conftest import Api, enrolled


async def _key_final(api: Api, final: dict) -> None:
    bibs = bibs_in(final)
    for dance in ("W", "T"):
        for judge in "ABC":
            body = {"places": {str(b): i + 1 for i, b in enumerate(bibs)}}
            await api.ok("POST", f"/api/rounds/{final['id']}/sheets/{dance}/judges/{judge}", json=body)


async def test_the_couples_not_recalled_from_the_first_round_dance_a_redance_into_the_second(api, client):
    comp, event = await small_event(api, recalls=[7, 6])
    chair = Api(client, await enrolled(client, "chair", competition_id=comp["id"]))
    path = f"/api/events/{event['id']}/redance"
    judge = Api(client, await enrolled(client, "adjudicator", competition_id=comp["id"], judge="A"))
    await judge.refused("PUT", path, 403, None, json={"recall": 2})
    await chair.refused("PUT", "/api/events/999999/redance", 404, "event_id", json={"recall": 2})
    error = await chair.refused("PUT", path, 422, "recall", json={"recall": 7})
    assert "fewer than 7" in error["message"]
    plan = await chair.ok("PUT", path, json={"recall": 2})
    assert [r["planned_couples"] for r in plan["rounds"]] == [14, 9, 6]  # the semi-final: 7 recalled + 2
    assert plan["redance_recall"] == 2

    floor = comp["floors"][0]["id"]
    await api.ok("POST", f"/api/floors/{floor}/start")
    first = (await rounds_of(api, event))[0]
    dancers = bibs_in(first)
    await key_round(api, first, dict.fromkeys("ABC", dancers[:7]))
    first, redance, semi, _ = await rounds_of(api, event)
    assert (redance["name"], redance["number"], redance["recall"], redance["state"]) == ("Redance", 2, 2, "drawn")
    assert bibs_in(redance) == dancers[7:] and semi["planned_couples"] == 9 and semi["number"] == 3
    assert redance["redance_of"] == first["id"] and semi["redance_of"] is None
    assert await placings_everywhere(api, client, event) == {}  # nobody is out: the 7 not recalled dance the redance
    await chair.refused("PUT", path, 409, "event_id", json={"recall": 3})  # round 1 has its result now

    await move_floor_to(api, floor, redance["id"])  # the judges' tablets get it as a recall round
    task = (await tasks_of(judge.client.device))[0]
    assert (task["round_id"], task["kind"], task["recall"]) == (redance["id"], "recall", 2)
    r1, r2, r3, *nought = dancers[7:]
    await key_round(api, redance, {"A": [r1, r2], "B": [r1, r2], "C": [r1, r3]})
    semi = (await rounds_of(api, event))[2]
    assert bibs_in(semi) == sorted([*dancers[:7], r1, r2]) and semi["state"] == "drawn"
    labels = await placings_everywhere(api, client, event)
    assert labels[r3] == "10." and {labels[b] for b in nought} == {"11.-14."} and len(labels) == 5

    await key_round(api, semi, dict.fromkeys("ABC", bibs_in(semi)[:6]))
    await _key_final(api, (await rounds_of(api, event))[3])
    labels = await placings_everywhere(api, client, event)
    assert len(labels) == 14 and {labels[b] for b in bibs_in(semi)[6:]} == {"7.-9."}

    store = client.app.state["ctx"].store
    document = store.read_sync(lambda conn: results_document(conn, event["id"]))
    assert results_errors(document) == []
    assert [r["runde"] for r in document["ablauf"]] == [1, "R", 2, "F"]
    starter = {s["startNr"]: s for s in document["starter"]}
    assert starter[dancers[0]]["wertung"][1] is None and len(starter[dancers[0]]["wertung"]) == 4  # no redance
    assert len(starter[r3]["wertung"]) == 2 and starter[r3]["wertung"][1][-1] == 2  # out in the redance
    ids = {"officials": dict(zip("ABC", (8701, 8702, 8703), strict=True)), "participants": {}}
    ids["participants"] = {str(b): 2001000 + b for b in labels}
    payload = store.read_sync(lambda conn: results_payload(conn, event["id"], load_ids(json.dumps(ids).encode())))
    rounds = {p["id"] - 2001000: [r["name"] for r in p["rounds"]] for p in payload}
    finalists = bibs_in((await rounds_of(api, event))[3])
    assert rounds[r1] == ["1", "R", "2", "F"] if r1 in finalists else rounds[r1] == ["1", "R", "2"]
    assert rounds[dancers[0]] == ["1", "2", "F"] if dancers[0] in finalists else rounds[dancers[0]] == ["1", "2"]
    assert rounds[r3] == ["1", "R"]
    assert rebuilt_matches(client) == []


async def test_a_tie_at_the_cut_is_resolved_by_a_redance_of_the_tied_couples(api, client):
    """14 -> 6: five couples have every cross, b5 and b6 three each (a tie on the 6th place). The chair calls a
    redance of the two recalling one: b5 joins the five in the final (7th: b6; the seven with none: 8.-14.)."""
    comp, event = await small_event(api)
    chair = Api(client, await enrolled(client, "chair", competition_id=comp["id"]))
    first, final = await rounds_of(api, event)
    bibs = bibs_in(first)
    sure, b5, b6 = bibs[:5], bibs[5], bibs[6]
    path = f"/api/rounds/{first['id']}/redance"
    await chair.refused("POST", path, 409, "round_id", json={})  # no tie (no result) yet
    for dance, crosses in {"W": {"A": b5, "B": b5, "C": b6}, "T": {"A": b5, "B": b6, "C": b6}}.items():
        for judge, extra in crosses.items():
            body = {"crosses": [*sure, extra]}
            await api.ok("POST", f"/api/rounds/{first['id']}/sheets/{dance}/judges/{judge}", json=body)
    assert (await rounds_of(api, event))[0]["state"] == "awaiting_chair"

    await api.refused("POST", path, 403, None, json={})  # the chair's decision, not the scrutineer's
    await chair.refused("POST", "/api/rounds/999999/redance", 404, "round_id", json={})
    error = await chair.refused("POST", path, 422, "recall", json={"recall": 2})
    assert "1 to 1" in error["message"]
    plan = await chair.ok("POST", path, json={})
    first, redance, final = plan["rounds"]
    assert (first["state"], redance["name"], redance["recall"]) == ("closed", "Redance", 1)
    assert final["planned_couples"] == 6 and final["state"] == "planned"  # the five above the tie + 1
    assert bibs_in(redance) == [b5, b6]
    await chair.refused("POST", f"/api/rounds/{first['id']}/decision", 409, "round_id", json={"recall": 7})
    result = await api.ok("GET", f"/api/rounds/{first['id']}/result")
    assert sorted(result["recalled"]) == sorted([*sure, b5, b6])  # every couple who went further
    pin = await chair.client.request("PUT", f"/api/competitions/{comp['id']}/chair-pin", json={"pin": "246810"})
    assert pin.status_code == 204, pin.text
    correction = {"sheet": {"crosses": [*sure, b6]}, "pin": "246810"}
    error = await api.refused(
        "POST", f"/api/rounds/{first['id']}/sheets/W/judges/A/correction", 409, "round_id", json=correction
    )
    assert "redance" in error["message"]

    await key_round(api, redance, {"A": [b5], "B": [b5], "C": [b6]})
    first, redance, final = await rounds_of(api, event)
    assert bibs_in(final) == sorted([*sure, b5])
    labels = await placings_everywhere(api, client, event)
    assert labels[b6] == "7." and {labels[b] for b in bibs[7:]} == {"8.-14."}
    report = client.app.state["ctx"].store.read_sync(
        lambda conn: chair_report_doc(conn, lookups.event(conn, event["id"]))
    )
    said = [d["what"] for d in report["decisions"]]
    assert "a redance of the 2 tied couples, recalling 1 (tie at the cut)" in said, said
    assert rebuilt_matches(client) == []
