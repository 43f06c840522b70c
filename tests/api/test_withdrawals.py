"""Issue #10 points 3 and 4: a couple withdrawn mid-event (the scrutineer) and disqualified (the chair).

The 6-couple final and the 10-couple event (1st round recalls 6) of tests/api/test_marks.py, panel A-C.
A withdrawn couple is not recalled and drops off the tablets; in a final it is placed last by every judge in
the dances it did not dance (the box fills the marks) and the explanation says so. A disqualification removes
the couple from the event's result ("DQ") and computes the final again, checked against `floorcraft skate` on
the remaining marks; after the sign-off it needs the chair's PIN and the result stays official.

Published rule text (found with the `search` tool): the Skating System, rule 1-1 as numbered at
http://www.danceuniverse.co.kr/know/skating-k.htm ("In all rounds each judge must vote for the number of couples
demanded by the Chairman of Adjudicators"): a withdrawn couple's crosses are left out and the chair's number
stands. That a couple which does not dance a dance of a final is placed last in it by every judge: no published
text found (WDSF Competition Rules, DTV TSO searched); domain.md "Special cases". How the others are placed after
a disqualification: no published text found; domain.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.api.test_marks import bibs_of, judged, places  # noqa: F401 - `judged` is a fixture
from tests.api.test_round_panels import move_floor_to, tasks_of
from tests.conftest import ROOT, enrolled

PIN = "246813"


async def entry_of(api, comp: dict, event: str, bib: int) -> dict:
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    return next(e for e in entries if e["event"] == event and e["couple"]["bib"] == bib)


def skate(sheet: dict) -> dict:
    """The scrutineer's calculator, as a separate process, on a sheet of marks."""
    done = subprocess.run(
        [sys.executable, "-m", "appliance", "skate", "--json", "-"],
        cwd=ROOT,
        input=json.dumps(sheet).encode(),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def rerank(order: list[int], without: int) -> dict[str, int]:
    kept = [b for b in order if b != without]
    return {str(b): kept.index(b) + 1 for b in sorted(kept)}


async def test_a_couple_withdrawn_in_a_recall_round_is_not_recalled_and_no_longer_shown(api, judged):
    comp, tablets, plans = judged
    rnd = plans["Two Rounds"]["rounds"][0]
    bibs, recall = bibs_of(rnd), rnd["recall"]
    gone = bibs[0]
    path = f"/api/rounds/{rnd['id']}/sheets"
    assert (await tablets["A"].post(f"{path}/W", {"crosses": bibs[:recall]})).status_code == 200  # crosses `gone`
    entry = await entry_of(api, comp, "Two Rounds", gone)
    out = await api.ok("POST", f"/api/entries/{entry['id']}/withdraw", json={"reason": "injury in the Waltz"})
    assert (out["status"], out["bib"], out["round_id"], out["danced"]) == ("withdrawn", gone, rnd["id"], [])
    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")
    await move_floor_to(api, comp["floors"][0]["id"], rnd["id"])
    task = next(t for t in await tasks_of(tablets["B"]) if t["round_id"] == rnd["id"])
    assert gone not in task["bibs"] and len(task["bibs"]) == len(bibs) - 1 and task["recall"] == recall
    refused = await tablets["B"].post(f"{path}/W", {"crosses": bibs[:recall]})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "crosses", refused.text
    rest = bibs[1:]
    for j in "BC":
        assert (await tablets[j].post(f"{path}/W", {"crosses": rest[:recall]})).status_code == 200
    for j in "ABC":
        sent = await tablets[j].post(f"{path}/T", {"crosses": rest[:recall]})
        assert sent.status_code == 200, sent.text
    result = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert gone not in result["recalled"] and len(result["recalled"]) == recall
    assert str(gone) not in result["totals"] and result["withdrawn"] == {str(gone): "injury in the Waltz"}
    standing = await api.ok("GET", f"/api/events/{rnd['event_id']}/results")
    mine = next(p for p in standing["placings"] if p["bib"] == gone)
    assert (mine["label"], mine["place"], mine["reason"]) == ("withdrawn", None, "withdrawn: injury in the Waltz")
    assert all(p["label"] != "withdrawn" for p in standing["placings"] if p["bib"] != gone)


async def test_a_couple_withdrawn_in_a_final_is_placed_last_where_it_did_not_dance(api, judged):
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    gone = bibs[0]
    for j in "ABC":  # the Cha Cha is danced by all six: couple `gone` wins it
        assert (await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs))).status_code == 200
    entry = await entry_of(api, comp, "Final Only", gone)
    out = await api.ok("POST", f"/api/entries/{entry['id']}/withdraw", json={"reason": "injury"})
    assert out["danced"] == ["C"]
    floor = comp["floors"][0]["id"]
    await api.ok("POST", f"/api/floors/{floor}/start")
    await api.ok("POST", f"/api/floors/{floor}/next")  # the Rumba
    now = next(t for t in await tasks_of(tablets["A"]) if t["now"])
    assert now["dance"] == "R" and now["bibs"] == bibs[1:]
    path = f"/api/rounds/{rnd['id']}/sheets/R"
    full = await tablets["A"].post(path, places(bibs))
    assert full.status_code == 422 and full.json()["error"]["field"] == "places", full.text
    for j in "ABC":
        assert (await tablets[j].post(path, places(bibs[1:]))).status_code == 200
    marks = await api.ok("GET", f"/api/rounds/{rnd['id']}/marks")
    assert marks["marks"]["R"][str(gone)] == [6, 6, 6] and marks["marks"]["C"][str(gone)] == [1, 1, 1]
    result = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert result["places"] == skate(marks)["result"]
    assert result["withdrawn"] == {str(gone): "injury"}
    explained = result["reasons"][str(gone)]
    assert explained.startswith("Withdrawn (injury) after dancing C: placed last in R by every judge"), explained
    standing = await api.ok("GET", f"/api/events/{rnd['event_id']}/results")
    mine = next(p for p in standing["placings"] if p["bib"] == gone)
    assert mine["label"] == "withdrawn" and mine["place"] == result["places"][str(gone)]


async def _signed_off_final(api, client, judged) -> tuple[dict, dict, dict, list[int], dict]:
    """The final judged with different orders per judge, the chair's PIN set and the result signed off."""
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    orders = {"A": bibs, "B": [bibs[1], bibs[0], *bibs[2:]], "C": [bibs[0], bibs[2], bibs[1], *bibs[3:]]}
    for dance in ("C", "R"):
        for j in "ABC":
            sent = await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/{dance}", places(bibs, orders[j]))
            assert sent.status_code == 200
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    assert (await chair.put(f"/api/competitions/{comp['id']}/chair-pin", {"pin": PIN})).status_code == 204
    assert (await chair.post(f"/api/rounds/{rnd['id']}/sign-off")).status_code == 200
    return comp, rnd, chair, bibs, orders


async def test_a_disqualification_after_sign_off_needs_the_pin_and_places_the_final_again(api, client, judged):
    comp, rnd, chair, bibs, orders = await _signed_off_final(api, client, judged)
    before = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    dq = bibs[0]
    entry = await entry_of(api, comp, "Final Only", dq)
    path = f"/api/entries/{entry['id']}/disqualify"
    for body, status in (({"reason": "conduct"}, 401), ({"reason": "conduct", "pin": "135792"}, 401)):
        head = await api.head()
        answer = await chair.post(path, body)
        assert answer.status_code == status and answer.json()["error"]["field"] == "pin", answer.text
        assert await api.head() == head
    done = await chair.post(path, {"reason": "unsportsmanlike conduct", "pin": PIN})
    assert done.status_code == 200, done.text
    out = done.json()
    after = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert after["official"] is True and after["state"] == "official"
    assert after["disqualified"] == {str(dq): "unsportsmanlike conduct"} and str(dq) not in after["places"]
    assert out["sheets_checksum"] == after["sheets_checksum"] != before["sheets_checksum"]
    remaining = {
        "type": "final",
        "judges": ["A", "B", "C"],
        "dances": ["C", "R"],
        "marks": {
            d: {str(b): [rerank(orders[j], dq)[str(b)] for j in "ABC"] for b in bibs if b != dq} for d in ("C", "R")
        },
    }
    assert await api.ok("GET", f"/api/rounds/{rnd['id']}/marks") == remaining
    assert after["places"] == skate(remaining)["result"]
    standing = await api.ok("GET", f"/api/events/{rnd['event_id']}/results")
    assert standing["official"] is True
    labels = {p["bib"]: p["label"] for p in standing["placings"]}
    assert labels[dq] == "DQ" and sorted(v for b, v in labels.items() if b != dq) == [f"{i}." for i in range(1, 6)]
    store = client.app.state["ctx"].store
    row = store.read_sync(
        lambda conn: conn.execute("SELECT payload FROM change_log WHERE kind = 'couple.disqualified'").fetchone()
    )
    logged = json.loads(row[0])
    assert (logged["couple_id"], logged["reason"], logged["after_sign_off"]) == (
        entry["couple"]["id"],
        "unsportsmanlike conduct",
        True,
    )
    again = await chair.post(path, {"reason": "twice", "pin": PIN})
    assert again.status_code == 409


async def test_withdrawal_and_disqualification_refusals(api, client, judged):
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    entry = await entry_of(api, comp, "Final Only", bibs_of(rnd)[0])
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    withdraw, dq = f"/api/entries/{entry['id']}/withdraw", f"/api/entries/{entry['id']}/disqualify"
    for device, path in ((chair, withdraw), (tablets["A"], withdraw), (tablets["A"], dq)):
        head = await api.head()
        answer = await device.post(path, {"reason": "because"})
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden", answer.text
        assert await api.head() == head
    assert (await api.client.request("POST", dq, json={"reason": "because"})).status_code == 403  # the scrutineer
    await api.refused("POST", "/api/entries/99999/withdraw", 404, "entry_id", json={"reason": "because"})
    head = await api.head()
    assert (await chair.post("/api/entries/99999/disqualify", {"reason": "because"})).status_code == 404
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x", "extra": 1}):
        await api.refused("POST", withdraw, 400, None, json=body)
        answer = await chair.post(dq, body)
        assert answer.status_code == 400, answer.text
    assert await api.head() == head
    await api.ok("POST", withdraw, json={"reason": "injury"})
    await api.refused("POST", withdraw, 409, "entry_id", json={"reason": "again"})
    other = await entry_of(api, comp, "Final Only", bibs_of(rnd)[1])
    await api.ok("POST", f"/api/entries/{other['id']}/scratch")
    await api.refused("POST", f"/api/entries/{other['id']}/withdraw", 409, "entry_id", json={"reason": "x"})


@pytest.mark.parametrize(("role", "action"), [("scrutineer", "withdraw"), ("chair", "disqualify")])
async def test_a_device_of_another_competition_may_not_withdraw_or_disqualify(api, client, judged, role, action):
    comp, _, plans = judged
    entry = await entry_of(api, comp, "Final Only", bibs_of(plans["Final Only"]["rounds"][0])[0])
    other = await api.competition(name="Other Cup")
    device = await enrolled(client, role, competition_id=other["id"])
    head = await api.head()
    answer = await device.post(f"/api/entries/{entry['id']}/{action}", {"reason": "because"})
    assert answer.status_code == 403, answer.text
    assert f"enrolled for competition {other['id']}" in answer.json()["error"]["message"]
    assert await api.head() == head


async def test_the_esv_document_flags_a_disqualified_couple(api, client):
    """DTV ESV `vd` 3 (disqualified) for the couple, ranked below every placed couple; the schema holds."""
    from appliance.federation.esv import results_document
    from appliance.federation.schema import results_errors
    from tests.federation.example import judge_all

    ids = await judge_all(api)
    final = await api.ok("GET", f"/api/rounds/{ids['final']}/result")
    dq = int(min(final["places"], key=lambda b: final["places"][b]))  # the winner
    entry = next(
        e for e in await api.ok("GET", f"/api/competitions/{ids['competition']}/entries") if e["couple"]["bib"] == dq
    )
    chair = await enrolled(client, "chair", competition_id=ids["competition"])
    assert (await chair.post(f"/api/entries/{entry['id']}/disqualify", {"reason": "doping"})).status_code == 200
    store = client.app.state["ctx"].store
    document = await store.read(lambda conn: results_document(conn, ids["event"]))
    assert results_errors(document) == []
    by_bib = {s["startNr"]: s["ergebnis"] for s in document["starter"] if s["ergebnis"] is not None}
    assert by_bib[dq]["vd"] == 3 and all(e["vd"] == 0 for b, e in by_bib.items() if b != dq)
    assert by_bib[dq]["platzGesamtVon"] == max(e["platzGesamtBis"] for b, e in by_bib.items() if b != dq) + 1
    assert sorted(e["platzGesamtVon"] for b, e in by_bib.items() if b != dq) == list(range(1, len(by_bib)))
