"""Marks capture: validated sheets stored once, amendments, keyed paper sheets, corrections with the chair's PIN."""

from __future__ import annotations

import pytest

from tests.conftest import enrolled


@pytest.fixture
async def judged(api, client):
    """A final of 6 couples (one round) and a 10-couple event (1st round recalls 6), panel A-C, tablets enrolled."""
    comp = await api.competition(floors=["Main floor"])
    for name in ("Ann", "Bob", "Cid", "Dee"):
        await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
    final = await api.event(comp["id"], name="Final Only", style="latin", dances=["C", "R"])
    rounds = await api.event(comp["id"], name="Two Rounds", dances=["W", "T"])
    for event in (final, rounds):
        await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"]})
    link = await api.link(comp["id"])
    for i in range(6):
        await api.register(link["token"], f"F{i}", f"P{i}", [final["id"]])
    for i in range(10):
        await api.register(link["token"], f"R{i}", f"Q{i}", [rounds["id"]])
    await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 1})
    tablets = {j: await enrolled(client, "adjudicator", competition_id=comp["id"], judge=j) for j in "ABCD"}
    plans = {e["name"]: await api.ok("GET", f"/api/events/{e['id']}/plan") for e in (final, rounds)}
    return comp, tablets, plans


def places(bibs, order=None):
    order = order or bibs
    return {"places": {str(b): order.index(b) + 1 for b in bibs}}


def bibs_of(round_):
    return sorted(b for h in next(iter(round_["heats"].values())) for b in h)


async def test_a_sheet_is_stored_once_however_often_it_is_sent(api, judged):
    _, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    path = f"/api/rounds/{rnd['id']}/sheets/C"
    first = await tablets["A"].post(path, places(bibs_of(rnd)), idempotency_key="sheet-A-C")
    assert first.status_code == 200
    receipt = first.json()
    assert (receipt["judge"], receipt["version"], len(receipt["checksum"])) == ("A", 1, 16)
    head = await api.head()
    for _ in range(5):
        again = await tablets["A"].post(path, places(bibs_of(rnd)), idempotency_key="sheet-A-C")
        assert again.status_code == 200 and again.json() == receipt
    assert await api.head() == head
    other = await tablets["A"].post(path, places(bibs_of(rnd), bibs_of(rnd)[::-1]), idempotency_key="sheet-A-C")
    assert other.status_code == 422 and other.json()["error"]["field"] == "Idempotency-Key"


async def test_a_judge_amends_a_sheet_until_the_round_is_computed(api, judged):
    _, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    amended = None
    for tablet in ("A", "A"):
        amended = (await tablets[tablet].post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs, bibs[::-1]))).json()
    assert amended["version"] == 2
    for j in "BC":
        await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs))
    for j in "ABC":
        receipt = (await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/R", places(bibs))).json()
    assert receipt["round_state"] == "computed"
    late = await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/R", places(bibs, bibs[::-1]))
    assert late.status_code == 409 and "chair's PIN" in late.json()["error"]["message"]
    result = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert result["places"] and result["reasons"] and result["official"] is False
    assert result["sheet_checksums"]["R"]["C"] == receipt["checksum"] and set(result["sheet_checksums"]) == {"C", "R"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"places": {"1": 1}}, "places", "has no place"),
        ({"crosses": [1, 2]}, "places", "a final takes"),
        ({}, "places", "a final takes"),
        ({"places": {"x": 1}}, "places", None),
        ({"places": {"1": 0}}, "places", None),
    ],
)
async def test_a_bad_final_sheet_is_refused_and_nothing_is_written(api, judged, body, field, message):
    _, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    before = await api.head()
    response = await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/C", body)
    assert response.status_code in (400, 422)
    error = response.json()["error"]
    assert error["field"].startswith(field) and (message is None or message in error["message"])
    assert await api.head() == before


async def test_a_final_sheet_must_be_a_full_ranking(api, judged):
    _, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    twice = {"places": {str(b): min(i + 1, 5) for i, b in enumerate(bibs)}}
    response = await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/C", twice)
    assert response.status_code == 422 and "each given once" in response.json()["error"]["message"]
    response = await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/X", places(bibs))
    assert response.status_code == 404 and response.json()["error"]["field"] == "dance"


async def test_a_recall_sheet_needs_exactly_the_requested_crosses_of_couples_in_the_round(api, judged):
    _, tablets, plans = judged
    rnd = plans["Two Rounds"]["rounds"][0]
    bibs = bibs_of(rnd)
    path = f"/api/rounds/{rnd['id']}/sheets/W"
    for crosses, message in (
        (bibs[:5], "cross exactly 6 couples, not 5"),
        ([*bibs[:5], 999], "not dancing"),
        ([*bibs[:5], bibs[0]], "crossed twice"),
    ):
        response = await tablets["B"].post(path, {"crosses": crosses})
        assert response.status_code == 422 and message in response.json()["error"]["message"]
    assert (await tablets["B"].post(path, {"crosses": bibs[:6]})).status_code == 200


async def test_an_adjudicator_cannot_write_another_judges_sheet_or_outside_the_panel(api, judged, client):
    _comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    before = await api.head()
    other_judge = await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/C/judges/B", places(bibs))
    assert other_judge.status_code == 403
    off_panel = await tablets["D"].post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs))
    assert off_panel.status_code == 403 and "not on the panel" in off_panel.json()["error"]["message"]
    desk_as_judge = await api.client.device.post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs))
    assert desk_as_judge.status_code == 403
    assert await api.head() == before


async def test_the_scrutineer_keys_in_a_paper_sheet_recorded_with_who_did_it(api, judged, scrutineer):
    _, _tablets, plans = judged
    rnd = plans["Two Rounds"]["rounds"][0]
    bibs = bibs_of(rnd)
    receipt = await api.ok("POST", f"/api/rounds/{rnd['id']}/sheets/W/judges/C", json={"crosses": bibs[:5]})
    assert receipt["judge"] == "C"  # a paper slip (5 crosses, not 6) is kept; the result will warn
    await api.refused("POST", f"/api/rounds/{rnd['id']}/sheets/W/judges/Z", 422, "judge", json={"crosses": bibs[:6]})
    progress = await api.ok("GET", "/api/competitions/1/progress")
    row = next(r for r in progress["rounds"] if r["round_id"] == rnd["id"])
    assert row["dances"][0] == {"dance": "W", "sent": ["C"], "missing": ["A", "B"]}
    judges_seen = {d["judge"]: d["last_seen"] for d in progress["devices"] if d["role"] == "adjudicator"}
    assert set(judges_seen) == {"A", "B", "C", "D"} and all(judges_seen.values())


async def test_the_tablet_is_shown_the_dance_on_the_floor(api, judged):
    comp, tablets, _plans = judged
    assert (await tablets["A"].get("/api/judge/tasks")).json() == {"tasks": [], "sign": [], "review": []}
    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")
    tasks = (await tablets["A"].get("/api/judge/tasks")).json()["tasks"]
    assert len(tasks) == 1
    task = tasks[0]
    assert (task["event"], task["dance"], task["kind"], task["now"], task["sent"]) == (
        "Final Only",
        "C",
        "final",
        True,
        False,
    )
    assert task["judge"] == "A" and task["judge_name"] == "Ann" and len(task["bibs"]) == 6
    nothing = {"tasks": [], "sign": [], "review": []}
    assert (await tablets["D"].get("/api/judge/tasks")).json() == nothing  # not on this panel


async def test_the_tablet_is_shown_its_own_sheets_to_amend_until_the_round_is_computed(api, judged):
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")
    assert (await tablets["A"].get("/api/judge/tasks")).json()["review"] == []  # nothing sent yet
    path = f"/api/rounds/{rnd['id']}/sheets/C"
    for order, version in ((bibs, 1), (bibs[::-1], 2)):  # sent, then amended
        receipt = (await tablets["A"].post(path, places(bibs, order))).json()
        review = (await tablets["A"].get("/api/judge/tasks")).json()["review"]
        assert [(t["dance"], t["version"], t["checksum"]) for t in review] == [("C", version, receipt["checksum"])]
        assert review[0]["marks"] == places(bibs, order)["places"] and review[0]["sent"] is True
    assert (await tablets["B"].get("/api/judge/tasks")).json()["review"] == []  # only the judge's own sheets
    for j in "BC":
        await tablets[j].post(path, places(bibs))
    for j in "ABC":
        receipt = (await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/R", places(bibs))).json()
    assert receipt["round_state"] == "computed"
    assert (await tablets["A"].get("/api/judge/tasks")).json()["review"] == []  # computed: no longer amendable


async def test_a_correction_after_computing_needs_the_chairs_pin_and_recomputes(api, judged, client):
    comp, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    bibs = bibs_of(rnd)
    for dance in ("C", "R"):
        for j in "ABC":
            await tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/{dance}", places(bibs))
    before = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert before["places"][str(bibs[0])] == 1
    path = f"/api/rounds/{rnd['id']}/sheets/C/judges/A/correction"
    flipped = places(bibs, bibs[::-1])
    await api.refused("POST", path, 409, "pin", json={"sheet": flipped, "pin": "123456"})  # no PIN set yet
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    assert (await chair.put(f"/api/competitions/{comp['id']}/chair-pin", {"pin": "246813"})).status_code == 204
    await api.refused("POST", path, 401, "pin", json={"sheet": flipped, "pin": "123456"})
    receipt = await api.ok("POST", path, json={"sheet": flipped, "pin": "246813"})
    assert receipt["version"] == 2
    after = await api.ok("GET", f"/api/rounds/{rnd['id']}/result")
    assert after["sheets_checksum"] != before["sheets_checksum"]
    signed = await chair.post(f"/api/rounds/{rnd['id']}/sign-off")
    assert signed.status_code == 200 and signed.json()["official"] is True
    await api.refused("POST", path, 409, "round_id", json={"sheet": places(bibs), "pin": "246813"})
    assert (await chair.post(f"/api/rounds/{rnd['id']}/sign-off")).status_code == 409


async def test_no_marks_are_shown_before_the_round_is_computed(api, judged):
    _, tablets, plans = judged
    rnd = plans["Final Only"]["rounds"][0]
    await tablets["A"].post(f"/api/rounds/{rnd['id']}/sheets/C", places(bibs_of(rnd)))
    await api.refused("GET", f"/api/rounds/{rnd['id']}/marks", 409, "round_id")
    await api.refused("GET", f"/api/rounds/{rnd['id']}/result", 409, "round_id")
    assert (await api.raw.get("/api/public/results")).json() == {"events": []}
    state = (await api.raw.get("/api/live/state")).json()
    assert state["results"] == [] and "marks" not in str(state)
