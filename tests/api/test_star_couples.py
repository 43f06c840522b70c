"""Issue #10 point 5: star couples, seeded by the scrutineer into a later round before it is drawn.

Rule (domain.md "Special cases" and "Placings of couples who went out early"): the star couple does not dance
the rounds before its own;
the round it joins dances the couples recalled into it plus its star couples; a couple out in a round ranks
below every couple who danced further, stars included, by its crosses in the round it went out.

Worked example: 14 couples, the chair's plan 14 -> 8 -> 6 (judges A-C, Waltz and Tango). Couple S is seeded
into the semi-final: the 1st round dances 13 and recalls 8, the semi-final dances 8 + 1 = 9 and recalls 6.
S gets 2 crosses in the semi-final (one judge, two dances) and goes out 7th; the two couples with none share
"8.-9."; the five out in the 1st round share "10.-14." (nine couples went further than them, not eight).

Published rule text (found with the `search` tool; WDSF publishes these as web pages, not numbered paragraphs):
- WDSF "World Ranking Exemption" (https://www.worlddancesport.org/Rule/Athlete/Competition/World-Ranking-Exemption):
  couples ranked 1 to 50 on the WDSF World Ranking List may be exempted from the first round of a World Ranking
  Tournament (the couples "denoted with a star"); a late entry of such a couple dances from the first round.
- WDSF Sports Commission, "Granting Stars" (26/01/2015, http://www.worlddancesport.org/Official/Index): the number
  of star couples is fixed the night before the competition (20:00 local time) and not changed after: the
  deadline the scrutineer sets here (`PUT /api/events/{id}/star-deadline`).
- How a star couple is placed (by the round it danced): no published text found; domain.md.
"""

from __future__ import annotations

from appliance.db import replay, replay_compare
from appliance.federation.esv import results_document
from appliance.federation.schema import results_errors
from appliance.printing.data import chair_report_doc
from appliance.services import lookups
from tests.conftest import Api, enrolled

DANCES = ["W", "T"]


async def small_event(api: Api, couples: int = 14, recalls: list[int] | None = None) -> tuple[dict, dict]:
    """One floor, judges A-C on the panel, `couples` couples (W, T; country GER), registration closed (seed 1)."""
    comp = await api.competition(floors=["Main floor"])
    cid = comp["id"]
    for name in ("Ann Adler", "Bob Berg", "Cid Christ"):
        await api.ok("POST", f"/api/competitions/{cid}/adjudicators", 201, json={"name": name, "country": "GER"})
    event = await api.event(cid, name="Adult Standard", dances=DANCES)
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": list("ABC")})
    link = await api.link(cid)
    for i in range(couples):
        await api.register(link["token"], f"Leo Leader{i}", f"Fay Follower{i}", [event["id"]])
    await api.ok("POST", f"/api/competitions/{cid}/close-registration", json={"seed": 1})
    for entry in await api.ok("GET", f"/api/competitions/{cid}/entries"):
        await api.ok("PATCH", f"/api/couples/{entry['couple']['id']}", json={"country": "GER"})
    if recalls:
        await api.ok("PUT", f"/api/events/{event['id']}/plan", json={"recalls": recalls})
    return comp, event


async def entry_ids(api: Api, comp: dict) -> dict[int, int]:
    """bib -> entry id."""
    return {e["couple"]["bib"]: e["id"] for e in await api.ok("GET", f"/api/competitions/{comp['id']}/entries")}


async def rounds_of(api: Api, event: dict) -> list[dict]:
    return (await api.ok("GET", f"/api/events/{event['id']}/plan"))["rounds"]


def bibs_in(round_: dict) -> list[int]:
    return sorted(b for heat in next(iter(round_["heats"].values()), []) for b in heat)


async def key_round(api: Api, round_: dict, crosses: dict[str, list[int]]) -> dict:
    """The scrutineer keys in each judge's paper sheet, the same crosses in every dance; the last receipt."""
    receipt = {}
    for dance in DANCES:
        for judge, bibs in crosses.items():
            path = f"/api/rounds/{round_['id']}/sheets/{dance}/judges/{judge}"
            receipt = await api.ok("POST", path, json={"crosses": bibs})
    return receipt


async def placings(api: Api, event: dict) -> dict[int, str]:
    return {p["bib"]: p["label"] for p in (await api.ok("GET", f"/api/events/{event['id']}/results"))["placings"]}


async def placings_everywhere(api: Api, client, event: dict) -> dict[int, str]:
    """The desk's place labels, checked to be the same in the live state (the display) and the published
    results (phones, the cloud: built from the change log)."""
    desk = await placings(api, event)
    state = (await client.get("/api/live/state")).json()
    live = next((s["places"] for s in state["standings"] if s["event_id"] == event["id"]), [])
    public = (await client.get("/api/public/results")).json()
    published = next((e["standings"] for e in public["events"] if e["event_id"] == event["id"]), [])
    assert {p["bib"]: p["label"] for p in live} == desk, "live state"
    assert {p["bib"]: p["label"] for p in published} == desk, "published results"
    return desk


def rebuilt_matches(client) -> list[str]:
    """`floorcraft verify`'s rebuild of every derived table from the change log, compared with the database."""

    def check(conn):
        rebuilt, unknown = replay.rebuild(replay.log_rows(conn))
        assert not unknown, unknown
        return replay_compare.compare(conn, rebuilt)

    return client.app.state["ctx"].store.read_sync(check)


async def test_a_star_couple_joins_the_semi_final_and_is_placed_by_its_crosses_there(api, client):
    comp, event = await small_event(api, recalls=[8, 6])
    first, semi, final = await rounds_of(api, event)
    star = bibs_in(first)[-1]
    seeded = await api.ok("POST", f"/api/entries/{(await entry_ids(api, comp))[star]}/star", json={"round_number": 2})
    assert seeded["round_id"] == semi["id"] and seeded["planned_couples"] == 9
    first, semi, final = await rounds_of(api, event)
    assert star not in bibs_in(first) and first["planned_couples"] == 13 and len(bibs_in(first)) == 13
    assert (first["recall"], semi["planned_couples"], semi["recall"], final["planned_couples"]) == (8, 9, 6, 6)
    assert (await api.ok("GET", f"/api/events/{event['id']}/plan"))["stars"] == {str(star): 2}
    logged = client.app.state["ctx"].store.read_sync(
        lambda conn: conn.execute("SELECT count(*) FROM change_log WHERE kind = 'star.seeded'").fetchone()[0]
    )
    assert logged == 1

    dancers = bibs_in(first)
    assert (await key_round(api, first, dict.fromkeys("ABC", dancers[:8])))["round_state"] == "closed"
    interim = client.app.state["ctx"].store.read_sync(lambda conn: results_document(conn, event["id"]))
    early = next(s for s in interim["starter"] if s["startNr"] == star)  # still in the event, not danced yet
    assert (early["status"], early["sterne"], early["wertung"], early["ergebnis"]) == (1, 1, None, None)
    assert results_errors(interim) == []
    first, semi, final = await rounds_of(api, event)
    assert bibs_in(semi) == sorted([*dancers[:8], star]) and semi["state"] == "drawn"

    others = [b for b in bibs_in(semi) if b != star]
    sure, sixth, nought = others[:5], others[5], others[6:]
    await key_round(api, semi, {"A": [*sure, sixth], "B": [*sure, sixth], "C": [*sure, star]})
    labels = await placings_everywhere(api, client, event)
    assert labels[star] == "7."
    assert [labels[b] for b in nought] == ["8.-9.", "8.-9."]
    assert {labels[b] for b in dancers[8:]} == {"10.-14."} and len(dancers[8:]) == 5
    assert sorted(bibs_in((await rounds_of(api, event))[2])) == sorted([*sure, sixth])

    store = client.app.state["ctx"].store
    document = store.read_sync(lambda conn: results_document(conn, event["id"]))
    assert results_errors(document) == []
    assert [r["runde"] for r in document["ablauf"]] == [1, 2]
    starter = {s["startNr"]: s for s in document["starter"]}
    assert starter[star]["sterne"] == 1 and starter[sure[0]]["sterne"] == 0
    assert starter[star]["wertung"][0] is None and starter[star]["wertung"][1][-1] == 2  # seeded past round 1
    assert len(starter[dancers[-1]]["wertung"]) == 1  # out in the 1st round: the array ends there
    report = store.read_sync(lambda conn: chair_report_doc(conn, lookups.event(conn, event["id"])))
    assert any(d["what"].endswith("seeded into the Semi-final (star couple)") for d in report["decisions"])
    assert rebuilt_matches(client) == []


async def test_seeding_a_star_couple_is_refused_in_plain_words_and_writes_nothing(api, client):
    comp, event = await small_event(api)  # 14 -> 6: the 2nd round is the final
    ids = await entry_ids(api, comp)
    first, final = await rounds_of(api, event)
    bibs = bibs_in(first)
    path = f"/api/entries/{ids[bibs[0]]}/star"
    chair = Api(client, await enrolled(client, "chair", competition_id=comp["id"]))
    judge = Api(client, await enrolled(client, "adjudicator", competition_id=comp["id"], judge="A"))
    for device in (chair, judge):
        await device.refused("POST", path, 403, None, json={"round_number": 2})
    await api.refused("POST", "/api/entries/999999/star", 404, "entry_id", json={"round_number": 2})
    for number in (1, 3):
        error = await api.refused("POST", path, 422, "round_number", json={"round_number": number})
        assert "one of 2" in error["message"]
    await api.refused("POST", path, 400, None, json={"round_number": 2, "deadline": "now"})

    await api.ok("POST", path, json={"round_number": 2})
    error = await api.refused("POST", path, 409, "entry_id", json={"round_number": 2})
    assert "star couple" in error["message"]
    await api.ok("POST", f"/api/entries/{ids[bibs[1]]}/star", json={"round_number": 2})  # a final of 8
    star = {"round_number": 2}
    error = await api.refused("POST", f"/api/entries/{ids[bibs[2]]}/star", 409, "round_number", json=star)
    assert "at most 8" in error["message"]
    await api.ok("POST", f"/api/entries/{ids[bibs[3]]}/scratch")
    error = await api.refused("POST", f"/api/entries/{ids[bibs[3]]}/star", 409, "entry_id", json={"round_number": 2})
    assert "scratched" in error["message"]

    await api.ok("POST", f"/api/floors/{comp['floors'][0]['id']}/start")  # the 1st round is danced now
    error = await api.refused("POST", f"/api/entries/{ids[bibs[4]]}/star", 409, "entry_id", json={"round_number": 2})
    assert "dances the 1st round already" in error["message"]
    first, final = await rounds_of(api, event)
    dancers = bibs_in(first)
    assert bibs[0] not in dancers and bibs[1] not in dancers and final["planned_couples"] == 8
    await key_round(api, first, dict.fromkeys("ABC", dancers[:6]))
    first, final = await rounds_of(api, event)
    assert bibs_in(final) == sorted([*dancers[:6], bibs[0], bibs[1]])
    late = next(b for b in dancers if b not in bibs_in(final))
    error = await api.refused("POST", f"/api/entries/{ids[late]}/star", 409, "round_number", json={"round_number": 2})
    assert "drawn already" in error["message"]
    assert rebuilt_matches(client) == []


async def test_the_scrutineer_sets_a_deadline_for_star_couples(api, client):
    comp, event = await small_event(api, couples=8)  # 8 -> 6
    bibs = bibs_in((await rounds_of(api, event))[0])
    ids = await entry_ids(api, comp)
    path = f"/api/events/{event['id']}/star-deadline"
    chair = Api(client, await enrolled(client, "chair", competition_id=comp["id"]))
    await chair.refused("PUT", path, 403, None, json={"deadline": "2000-01-01T00:00:00+00:00"})
    await api.refused("PUT", "/api/events/999999/star-deadline", 404, "event_id", json={"deadline": None})
    error = await api.refused("PUT", path, 422, "deadline", json={"deadline": "2000-01-01T00:00:00"})
    assert "time zone" in error["message"]
    await api.refused("PUT", path, 400, None, json={"deadline": "soon"})

    passed = await api.ok("PUT", path, json={"deadline": "2000-01-01T00:00:00+00:00"})
    assert passed == {"event_id": event["id"], "deadline": "2000-01-01T00:00:00Z"}
    star = f"/api/entries/{ids[bibs[0]]}/star"
    error = await api.refused("POST", star, 409, "entry_id", json={"round_number": 2})
    assert "deadline" in error["message"] and "has passed" in error["message"]
    await api.ok("PUT", path, json={"deadline": "2999-12-31T23:00:00+01:00"})
    assert (await api.ok("POST", star, json={"round_number": 2}))["planned_couples"] == 7
    first, final = await rounds_of(api, event)
    assert (first["planned_couples"], first["recall"], final["planned_couples"]) == (7, 6, 7)
    assert rebuilt_matches(client) == []
