"""Issue #10 point 2: places for everyone, at every moment, on every surface.

The 14-couple event's 1st round recalls 6: the 7th and 8th couples (equal crosses) share "7.-8.", the other
six out (no cross) share "9.-14.", while the final is still to be danced and after it, in the desk's results,
the live state (the display), the public results (phones, the cloud) and the export (CSV, JSON, HTML).

Published rule text (found with the `search` tool): the Skating System, rule 1 ("In all preliminary rounds,
judges must call back the number of couples requested by the Chairman of Adjudicators"; the couples with the most
marks go through: https://www.dancecomp.com/2021/10/the-skating-system/). How the couples out early share places
by their crosses: no published text found; domain.md "Placings of couples who went out early".
"""

from __future__ import annotations

import csv
import io
import json

from appliance.box import export
from tests.api.test_round_panels import bibs_of, judge_final, judge_first_round, plan, setup_event


def _labels(places: list[dict], key: str = "label") -> dict[int, str]:
    return {p["bib"]: p[key] for p in places}


def _check(labels: dict[int, str], first_bibs: list[int]) -> None:
    assert labels[first_bibs[6]] == labels[first_bibs[7]] == "7.-8."
    assert {labels[b] for b in first_bibs[8:]} == {"9.-14."}
    assert len(first_bibs) == 14


async def _surfaces(api, client, event: dict) -> dict[str, dict[int, str]]:
    """The place labels of the event's couples as each surface gives them."""
    desk = await api.ok("GET", f"/api/events/{event['id']}/results")
    state = (await client.get("/api/live/state")).json()
    public = (await client.get("/api/public/results")).json()
    store = client.app.state["ctx"].store
    documents = store.read_sync(export.results_documents)
    rows = list(csv.DictReader(io.StringIO(documents["results.csv"].decode())))
    exported = json.loads(documents["results.json"])["events"][0]["placings"]
    return {
        "desk": _labels(desk["placings"]),
        "live state": _labels(next(s for s in state["standings"] if s["event_id"] == event["id"])["places"]),
        "public": _labels(next(e for e in public["events"] if e["event_id"] == event["id"])["standings"]),
        "export csv": {
            int(r["bib"]): (f"{r['place']}." if r["place"] == r["place_to"] else f"{r['place']}.-{r['place_to']}.")
            for r in rows
        },
        "export json": _labels(exported),
        "export html": {
            b: label for b, label in _labels(desk["placings"]).items() if label in documents["results.html"].decode()
        },
    }


async def test_couples_out_in_the_first_round_keep_their_places_while_the_final_runs(api, client):
    comp, event, tablets = await setup_event(api, client, judges="ABCDE")
    first, final = await plan(api, event)
    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")
    await judge_first_round(tablets, first, "ABCDE")
    first, final = await plan(api, event)
    during = await _surfaces(api, client, event)
    for surface, labels in during.items():
        assert set(labels) == set(bibs_of(first)[6:]), surface  # the finalists have no place yet
        _check(labels | {b: "" for b in bibs_of(first)[:6]}, bibs_of(first))
    assert "9.-14." in (await client.get("/api/live/state")).text
    await judge_final(tablets, final, "ABCDE")
    after = await _surfaces(api, client, event)
    for surface, labels in after.items():
        assert len(labels) == 14, surface
        _check(labels, bibs_of(first))
        assert sorted(labels[b] for b in bibs_of(final)) == [f"{i}." for i in range(1, 7)], surface
    desk = await api.ok("GET", f"/api/events/{event['id']}/results")
    assert [p["place_from"] for p in desk["placings"]] == sorted(p["place_from"] for p in desk["placings"])
