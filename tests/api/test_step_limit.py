"""The chair's warning for the step limit and a disqualification for it (issue #11 point 1: the DTV ESV's per-couple
flag `vd`, formats.md 1.7: 1 warned for the step limit, 2 disqualified for the step limit, 3 disqualified).

The worked example of formats.md (tests/federation/example.py: bibs 101-105, 105 scratched, a 1st round of four
recalling three, a final of three), keyed in through the API. A warning changes no place; it is logged, rebuilt by
`floorcraft verify`, listed in the chair's report and flagged in the ESV document, which stays valid against the
DTV's published schema with `vd` 1, 2 and 3 in it.
"""

from __future__ import annotations

import json

import pytest

from appliance.db import replay, replay_compare
from appliance.federation.esv import results_document
from appliance.federation.schema import results_errors
from appliance.printing import data, pdf
from tests.conftest import enrolled
from tests.federation.example import judge_all, set_up

PIN = "975310"


@pytest.fixture
async def example(api, client) -> tuple[dict, object, dict[int, dict]]:
    """The example judged to its final (computed, not signed off), a chair enrolled; entries by bib."""
    ids = await judge_all(api)
    chair = await enrolled(client, "chair", competition_id=ids["competition"])
    entries = await api.ok("GET", f"/api/competitions/{ids['competition']}/entries")
    return ids, chair, {e["couple"]["bib"]: e for e in entries}


def _flags(document: dict) -> dict[int, int]:
    return {s["startNr"]: s["ergebnis"]["vd"] for s in document["starter"] if s["ergebnis"] is not None}


async def test_warnings_and_disqualifications_for_the_step_limit_reach_the_esv_document(api, client, example):
    ids, chair, entries = example
    before = await api.ok("GET", f"/api/events/{ids['event']}/results")
    warned = await chair.post(f"/api/entries/{entries[101]['id']}/warn", {"reason": "lift in the Rumba"})
    assert warned.status_code == 200, warned.text
    body = warned.json()
    assert (body["bib"], body["reason"], body["round_id"]) == (101, "lift in the Rumba", ids["final"])
    assert await api.ok("GET", f"/api/events/{ids['event']}/results") == before  # a warning changes no place
    for bib, extra in ((102, {"step_limit": True}), (104, {})):
        if bib == 102:  # warned first, then disqualified for the step limit: vd 2
            assert (await chair.post(f"/api/entries/{entries[bib]['id']}/warn", {"reason": "lift"})).status_code == 200
        dq = await chair.post(f"/api/entries/{entries[bib]['id']}/disqualify", {"reason": "lift again"} | extra)
        assert dq.status_code == 200 and dq.json()["step_limit"] is bool(extra), dq.text
    store = client.app.state["ctx"].store
    document = await store.read(lambda conn: results_document(conn, ids["event"]))
    assert results_errors(document) == []
    assert _flags(document) == {101: 1, 102: 2, 103: 0, 104: 3}
    standing = await api.ok("GET", f"/api/events/{ids['event']}/results")
    reasons = {p["bib"]: (p["label"], p["reason"]) for p in standing["placings"]}
    assert reasons[102] == ("DQ", "disqualified for the step limit: lift again")
    assert reasons[104] == ("DQ", "disqualified: lift again") and reasons[101][0] == "1."

    def rebuilt(conn):
        copy, _ = replay.rebuild(replay.log_rows(conn))
        return replay_compare.compare(conn, copy), [tuple(r) for r in copy.execute("SELECT * FROM entry_warnings")]

    differences, warnings = await store.read(rebuilt)
    assert differences == [] and sorted(w[0] for w in warnings) == [entries[101]["id"], entries[102]["id"]]
    report = await store.read(lambda conn: data.build(conn, ids["event"], "chair-report", "key", "2026-12-05T20:00"))
    page = pdf.html(report)
    assert "Warnings for the step limit" in page
    assert "101 Anton Erster &amp; Berta Erster warned for the step limit: lift in the Rumba" in page
    assert "102 Carl Zweiter &amp; Dora Zweiter disqualified for the step limit: lift again" in page
    assert "104 Gustav Vierter &amp; Hanna Vierter disqualified: lift again" in page


async def test_the_warning_is_logged_with_who_and_why(api, client, example):
    ids, chair, entries = example
    assert (await chair.post(f"/api/entries/{entries[103]['id']}/warn", {"reason": "step limit"})).status_code == 200
    store = client.app.state["ctx"].store
    row = await store.read(
        lambda conn: conn.execute("SELECT entity, payload FROM change_log WHERE kind = 'couple.warned'").fetchone()
    )
    logged = json.loads(row["payload"])
    assert row["entity"] == f"entry/{entries[103]['id']}"
    assert (logged["bib"], logged["event_id"], logged["reason"], logged["by"]) == (
        103,
        ids["event"],
        "step limit",
        chair.device_id,
    )
    assert (logged["round"], logged["after_sign_off"]) == ("Final", False)


async def test_a_warning_refused_says_why_and_writes_nothing(api, client, example):
    ids, chair, entries = example
    warn = f"/api/entries/{entries[103]['id']}/warn"
    judge = await enrolled(client, "adjudicator", competition_id=ids["competition"], judge="A")
    await api.refused("POST", warn, 403, None, json={"reason": "lift"})  # the scrutineer: the chair's alone
    head = await api.head()
    assert (await judge.post(warn, {"reason": "lift"})).status_code == 403
    for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": "x", "vd": 1}, {"reason": "x", "pin": ""}):
        answer = await chair.post(warn, body)
        assert answer.status_code == 400 and answer.json()["error"]["message"], (body, answer.text)
    for path, status, words in (
        ("/api/entries/99999/warn", 404, "entry"),
        (f"/api/entries/{entries[105]['id']}/warn", 409, "scratched"),
    ):
        answer = await chair.post(path, {"reason": "lift"})
        assert answer.status_code == status and words in answer.json()["error"]["message"], answer.text
    assert await api.head() == head
    assert (await chair.post(warn, {"reason": "lift"})).status_code == 200
    twice = await chair.post(warn, {"reason": "lift again"})
    assert twice.status_code == 409 and "disqualification for the step limit" in twice.json()["error"]["message"]
    assert (await chair.post(f"/api/entries/{entries[104]['id']}/disqualify", {"reason": "x"})).status_code == 200
    after_dq = await chair.post(f"/api/entries/{entries[104]['id']}/warn", {"reason": "lift"})
    assert after_dq.status_code == 409 and "disqualified" in after_dq.json()["error"]["message"], after_dq.text


async def test_after_the_sign_off_a_warning_needs_the_chairs_pin(api, client, example):
    ids, chair, entries = example
    assert (await chair.put(f"/api/competitions/{ids['competition']}/chair-pin", {"pin": PIN})).status_code == 204
    assert (await chair.post(f"/api/rounds/{ids['final']}/sign-off")).status_code == 200
    warn = f"/api/entries/{entries[102]['id']}/warn"
    for body in ({"reason": "lift"}, {"reason": "lift", "pin": "135799"}):
        head = await api.head()
        answer = await chair.post(warn, body)
        assert answer.status_code == 401 and answer.json()["error"]["field"] == "pin", answer.text
        assert await api.head() == head
    assert (await chair.post(warn, {"reason": "lift", "pin": PIN})).status_code == 200
    result = await api.ok("GET", f"/api/rounds/{ids['final']}/result")
    assert result["official"] is True
    store = client.app.state["ctx"].store
    document = await store.read(lambda conn: results_document(conn, ids["event"]))
    assert document["endergebnis"] is True and _flags(document)[102] == 1 and results_errors(document) == []


async def test_a_warning_on_another_competitions_couple_is_refused(api, client):
    ids = await set_up(api)
    entry = (await api.ok("GET", f"/api/competitions/{ids['competition']}/entries"))[0]
    other = await api.competition(name="Other Cup")
    chair = await enrolled(client, "chair", competition_id=other["id"])
    head = await api.head()
    answer = await chair.post(f"/api/entries/{entry['id']}/warn", {"reason": "lift"})
    assert answer.status_code == 403 and f"enrolled for competition {other['id']}" in answer.text
    assert await api.head() == head
