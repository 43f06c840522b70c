"""Issue #10 point 9: ONE competition through every special case, on a real data dir, with the CLI's export after.

16 couples (Waltz, Tango), adjudicators A-F, the event's panel A-E, the plan 16 -> 8 -> 6:
- a star couple S is seeded into the semi-final (the 1st round dances 15) and the event gets a redance after
  the 1st round recalling 2 (the semi-final: 8 recalled + 2 from the redance + S = 11);
- judges A-E mark the 1st round; E falls ill and the event's panel becomes A,B,C,D,F (with the reason) before the
  redance starts: the 1st round keeps E, the redance, semi-final and final show F, E's tablet gets no task;
- a couple withdraws before the semi-final is marked: the tablets drop it and it is not recalled ("withdrawn");
- S goes out in the semi-final with 2 crosses: 7th, placed by the round it danced;
- a finalist withdraws after the Waltz: every judge places it last in the Tango (the box fills those marks) and
  its explanation says so;
- the chair disqualifies the final's winner once the final is computed (the final is computed again without
  it), signs the final off, then disqualifies a semi-finalist with the PIN (refused without it).

What `floorcraft skate` is checked on: the final's marks as the box scores them (`GET /api/rounds/{id}/marks`):
the withdrawn finalist's filled Tango marks are IN them (last place from every judge), the disqualified couple's
marks are REMOVED and each judge's places re-ranked 1..n-1; the calculator gives the same places and dance
results. Every couple then has a place or a label ("withdrawn", "DQ"), the same on the desk, the live state and
the published results, and `floorcraft export` + `verify-export` + `verify` pass on the same data dir.
"""

from __future__ import annotations

import json
import random
import re

from litestar.testing import AsyncTestClient

from appliance.app import create_app
from tests.api.test_round_panels import bibs_of, floorcraft, move_floor_to, plan, setup_event, tasks_of
from tests.api.test_star_couples import entry_ids, placings_everywhere
from tests.conftest import Api, enrolled
from tests.e2e.test_whole_competition import skate

PIN = "975310"
LABEL = re.compile(r"^\d+\.(-\d+\.)?$")


async def _send(tablet, round_id: int, dance: str, body: dict) -> dict:
    answer = await tablet.post(f"/api/rounds/{round_id}/sheets/{dance}", body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _cross(tablets: dict, round_id: int, crosses: dict[str, list[int]]) -> dict:
    """Each judge's tablet sends the same crosses in both dances; the last receipt."""
    receipt = {}
    for dance in ("W", "T"):
        for judge, bibs in crosses.items():
            receipt = await _send(tablets[judge], round_id, dance, {"crosses": bibs})
    return receipt


async def _seed_star_and_redance(api: Api, comp: dict, event: dict, chair) -> int:
    await api.ok("PUT", f"/api/events/{event['id']}/plan", json={"recalls": [8, 6]})
    first = (await plan(api, event))[0]
    star = bibs_of(first)[-1]
    seeded = await api.ok("POST", f"/api/entries/{(await entry_ids(api, comp))[star]}/star", json={"round_number": 2})
    assert seeded["planned_couples"] == 9
    answer = await chair.put(f"/api/events/{event['id']}/redance", {"recall": 2})
    assert answer.status_code == 200, answer.text
    assert [(r["planned_couples"], r["recall"]) for r in answer.json()["rounds"]] == [(15, 8), (11, 6), (6, None)]
    return star


async def _first_round_then_judge_swap(api: Api, client, event: dict, tablets: dict, floor: int) -> list[int]:
    """Judges A-E recall 8 of the 15; then E is replaced by F for every round that has not started."""
    await api.ok("POST", f"/api/floors/{floor}/start")
    first = (await plan(api, event))[0]
    dancers = bibs_of(first)
    assert len(dancers) == 15 and first["panel"] == list("ABCDE")
    assert (await _cross(tablets, first["id"], dict.fromkeys("ABCDE", dancers[:8])))["round_state"] == "closed"
    body = {"letters": list("ABCDF"), "reason": "E is ill"}
    await api.ok("PUT", f"/api/events/{event['id']}/panel", json=body)
    rounds = await plan(api, event)
    assert [r["name"] for r in rounds] == ["1st round", "Redance", "Semi-final", "Final"]
    assert [r["panel"] for r in rounds] == [list("ABCDE")] + [list("ABCDF")] * 3
    logged = client.app.state["ctx"].store.read_sync(
        lambda conn: conn.execute(
            "SELECT payload FROM change_log WHERE kind = 'panel.set' ORDER BY seq DESC"
        ).fetchone()
    )
    payload = json.loads(logged[0])
    assert payload["reason"] == "E is ill" and payload["by"] == api.client.device.device_id
    return dancers


async def _redance_and_semi_final(api: Api, client, comp: dict, event: dict, tablets: dict, star: int) -> dict:
    floor, ids = comp["floors"][0]["id"], await entry_ids(api, comp)
    first, redance, semi, _ = await plan(api, event)
    await move_floor_to(api, floor, redance["id"])
    assert not await tasks_of(tablets["E"]) and [t["round_id"] for t in await tasks_of(tablets["F"])] == [redance["id"]]
    second = bibs_of(redance)
    await _cross(tablets, redance["id"], dict.fromkeys("ABCDF", second[:2]))
    semi = (await plan(api, event))[2]
    recalled = (await api.ok("GET", f"/api/rounds/{first['id']}/result"))["recalled"]
    assert len(second) == 7 and bibs_of(semi) == sorted([*bibs_of(first)[:8], *second[:2], star])
    assert set(recalled) >= set(bibs_of(first)[:8])

    gone = bibs_of(first)[0]  # withdraws before the semi-final is marked
    out = await api.ok("POST", f"/api/entries/{ids[gone]}/withdraw", json={"reason": "illness"})
    assert (out["status"], out["round_id"], out["danced"]) == ("withdrawn", semi["id"], [])
    await move_floor_to(api, floor, semi["id"])
    task = next(t for t in await tasks_of(tablets["A"]) if t["round_id"] == semi["id"])
    assert gone not in task["bibs"] and len(task["bibs"]) == 10 and task["recall"] == 6
    others = [b for b in bibs_of(semi) if b not in (gone, star)]
    sure, sixth, nought = others[:5], others[5], others[6:]
    crosses = {j: [*sure, sixth] for j in "ABCD"} | {"F": [*sure, star]}
    assert (await _cross(tablets, semi["id"], crosses))["round_state"] == "closed"
    result = await api.ok("GET", f"/api/rounds/{semi['id']}/result")
    assert sorted(result["recalled"]) == sorted([*sure, sixth]) and result["withdrawn"] == {str(gone): "illness"}
    labels = await placings_everywhere(api, client, event)
    assert (labels[gone], labels[star]) == ("withdrawn", "7.") and {labels[b] for b in nought} == {"8.-10."}
    # the withdrawn couple takes no place: the redance's couples out follow the semi-final's placed ones at once
    assert {labels[b] for b in second[2:]} == {"11.-15."}, labels
    return {"gone": gone, "nought": nought, "redance_out": second[2:]}


async def _final_with_a_withdrawal(api: Api, comp: dict, event: dict, tablets: dict) -> dict:
    """The Waltz by all six; then a couple withdraws and the judges place the other five in the Tango."""
    floor, ids = comp["floors"][0]["id"], await entry_ids(api, comp)
    final = (await plan(api, event))[3]
    finalists = bibs_of(final)
    await move_floor_to(api, floor, final["id"])
    assert not await tasks_of(tablets["E"])
    late = await tablets["E"].post(f"/api/rounds/{final['id']}/sheets/W", {"places": {str(finalists[0]): 1}})
    assert late.status_code == 403
    rng = random.Random(2026)  # the judges' orders, repeatable
    for judge in "ABCDF":
        order = rng.sample(finalists, len(finalists))
        await _send(tablets[judge], final["id"], "W", {"places": {str(b): i + 1 for i, b in enumerate(order)}})
    left = finalists[-1]
    out = await api.ok("POST", f"/api/entries/{ids[left]}/withdraw", json={"reason": "injury in the Waltz"})
    assert out["danced"] == ["W"] and out["round_id"] == final["id"]
    await api.ok("POST", f"/api/floors/{floor}/next")
    now = next(t for t in await tasks_of(tablets["F"]) if t["now"])
    assert (now["dance"], now["bibs"]) == ("T", [b for b in finalists if b != left])
    receipt = {}
    for judge in "ABCDF":
        order = rng.sample(now["bibs"], len(now["bibs"]))
        receipt = await _send(
            tablets[judge], final["id"], "T", {"places": {str(b): i + 1 for i, b in enumerate(order)}}
        )
    assert receipt["round_state"] == "computed"
    marks = await api.ok("GET", f"/api/rounds/{final['id']}/marks")
    assert marks["judges"] == list("ABCDF") and marks["marks"]["T"][str(left)] == [6] * 5
    result = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    assert result["reasons"][str(left)].startswith("Withdrawn (injury in the Waltz) after dancing W: placed last in T")
    return {"final": final, "left": left, "result": result}


async def _disqualifications(api: Api, comp: dict, chair, played: dict, semi: dict) -> dict:
    """The chair disqualifies the winner once the final is computed, signs off, then (with the PIN) a semi-finalist."""
    final, ids = played["final"], await entry_ids(api, comp)
    winner = int(min(played["result"]["places"], key=lambda b: played["result"]["places"][b]))
    assert winner != played["left"]
    done = await chair.post(f"/api/entries/{ids[winner]}/disqualify", {"reason": "unsportsmanlike conduct"})
    assert done.status_code == 200, done.text
    again = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    assert str(winner) not in again["places"] and again["state"] == "computed"
    assert done.json()["sheets_checksum"] == again["sheets_checksum"] != played["result"]["sheets_checksum"]
    assert (await chair.put(f"/api/competitions/{comp['id']}/chair-pin", {"pin": PIN})).status_code == 204
    assert (await chair.post(f"/api/rounds/{final['id']}/sign-off")).status_code == 200
    late = semi["nought"][0]
    path, reason = f"/api/entries/{ids[late]}/disqualify", "conduct after the semi-final"
    head = await api.head()
    refused = await chair.post(path, {"reason": reason})
    assert refused.status_code == 401 and refused.json()["error"]["field"] == "pin" and await api.head() == head
    assert (await chair.post(path, {"reason": reason, "pin": PIN})).status_code == 200
    official = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    assert official["official"] and official["places"] == again["places"]  # nothing else reopens
    return {"winner": winner, "late": late}


async def _judge_everything(api: Api, client, comp: dict, event: dict, tablets: dict) -> None:
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    star = await _seed_star_and_redance(api, comp, event, chair)
    first = await _first_round_then_judge_swap(api, client, event, tablets, comp["floors"][0]["id"])
    semi = await _redance_and_semi_final(api, client, comp, event, tablets, star)
    played = await _final_with_a_withdrawal(api, comp, event, tablets)
    dq = await _disqualifications(api, comp, chair, played, semi)

    final, left = played["final"], played["left"]
    marks = await api.ok("GET", f"/api/rounds/{final['id']}/marks")
    assert str(dq["winner"]) not in marks["marks"]["W"] and marks["marks"]["T"][str(left)] == [5] * 5
    result = await api.ok("GET", f"/api/rounds/{final['id']}/result")
    by_skate = skate(marks)
    assert result["places"] == by_skate["result"] and result["dances"] == by_skate["dances"]
    assert result["withdrawn"] == {str(left): "injury in the Waltz"}

    labels = await placings_everywhere(api, client, event)
    assert sorted(labels) == sorted([*first, star]) and len(labels) == 16  # every couple: a place or a label
    assert all(LABEL.match(v) or v in ("withdrawn", "DQ") for v in labels.values()), labels
    assert (labels[semi["gone"]], labels[left], labels[dq["winner"]], labels[dq["late"]]) == (
        "withdrawn",
        "withdrawn",
        "DQ",
        "DQ",
    )
    # two couples fewer above them: S moves up from 7th, the semi-finalists with no cross share 7.-8.
    assert labels[star] == "6." and {labels[b] for b in semi["nought"][1:]} == {"7.-8."}
    assert {labels[b] for b in semi["redance_out"]} == {"9.-13."}, labels  # places 1-13 with no gap
    standing = await api.ok("GET", f"/api/events/{event['id']}/results")
    assert standing["official"] is True
    mine = next(p for p in standing["placings"] if p["bib"] == left)
    assert mine["place"] == result["places"][str(left)]


async def test_one_competition_with_a_judge_swap_withdrawals_disqualifications_a_star_and_a_redance(settings, tmp_path):
    async with AsyncTestClient(create_app(settings)) as client:
        api = Api(client, await enrolled(client))
        comp, event, tablets = await setup_event(api, client, couples=16)
        await _judge_everything(api, client, comp, event, tablets)
        first = (await plan(api, event))[0]
        assert (await api.ok("GET", f"/api/rounds/{first['id']}/marks"))["judges"] == list("ABCDE")

    stick = tmp_path / "stick"
    stick.mkdir()
    run = floorcraft(settings.data_dir, "export", str(stick))
    assert run.returncode == 0, run.stderr
    folder = next(stick.glob("floorcraft-export-*"))
    exported = json.loads((folder / "results.json").read_text())
    judges = {r["round"]: r["marks"]["judges"] for r in exported["rounds"]}
    assert judges["1st round"] == list("ABCDE") and judges["Final"] == list("ABCDF"), judges
    run = floorcraft(settings.data_dir, "verify-export", str(folder))
    assert run.returncode == 0, run.stdout
    run = floorcraft(settings.data_dir, "verify")
    assert run.returncode == 0, run.stdout
