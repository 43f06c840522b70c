"""The marks report as data (GET /api/events/{id}/marks-report), for the desk's results view: the same tables the
printed marks report renders (printing/marks.py, one computation), dances by code, reasons in the reader's language."""

from __future__ import annotations

from tests.conftest import enrolled
from tests.two_events import bibs, key_in_final, two_events


async def test_the_report_is_the_printed_marks_reports_tables_for_a_final_and_a_recall_round(api, client):
    from appliance.printing import data
    from appliance.services import lookups

    box = await two_events(api)
    final = box["plans"][box["final"]]["rounds"][0]
    await key_in_final(api, final)
    first = box["plans"][box["rounds"]]["rounds"][0]
    drawn = bibs(first)
    for dance in ("W", "T"):
        for judge in "ABC":
            body = {"crosses": drawn[: first["recall"]]}
            await api.ok("POST", f"/api/rounds/{first['id']}/sheets/{dance}/judges/{judge}", json=body)

    shown = await api.ok("GET", f"/api/events/{box['final']}/marks-report")
    (the_final,) = shown["rounds"]
    assert the_final["round_id"] == final["id"] and the_final["kind"] == "final"
    assert the_final["columns"] == ["1", "1-2", "1-3", "1-4", "1-5", "1-6"] and the_final["dances"] == ["C", "R"]
    cha = the_final["final_dances"][0]
    assert cha["dance"] == "C" and cha["majority"] == 2
    winner = {"bib": str(bibs(final)[0]), "marks": [1, 1, 1], "columns": ["3"] + ["3(3)"] * 5, "place": 1}
    assert cha["rows"][0] == winner | {"rule": cha["rows"][0]["rule"]}
    store = client.app.state["ctx"].store
    printed = store.read_sync(lambda conn: data.marks_doc(conn, lookups.event(conn, box["final"]), names=str))
    assert shown == printed  # one computation for the paper and the desk

    recall = (await api.ok("GET", f"/api/events/{box['rounds']}/marks-report"))["rounds"][0]
    assert recall["kind"] == "recall" and recall["recall"] == first["recall"] and recall["judges"][0]["letter"] == "A"
    top = recall["rows"][0]
    assert top["crosses"] == [["X", "X", "X"], ["X", "X", "X"]] and top["total"] == 6 and top["recalled"]
    assert [r["recalled"] for r in recall["rows"]].count(True) == first["recall"]

    path = f"/api/events/{box['final']}/marks-report"
    german = await api.client.request("GET", path, headers={"Accept-Language": "de"})
    assert german.status_code == 200 and german.json()["rounds"][0]["columns"] == the_final["columns"]
    chair = await enrolled(client, "chair", competition_id=box["competition"]["id"])
    assert (await chair.get(f"/api/events/{box['final']}/marks-report")).status_code == 200
    judge = await enrolled(client, "adjudicator", competition_id=box["competition"]["id"], judge="A")
    assert (await judge.get(f"/api/events/{box['final']}/marks-report")).status_code == 403
