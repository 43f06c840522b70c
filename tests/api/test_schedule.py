"""Issue #10 point 8: the day's schedule with times. `GET /api/schedule` (public), the scrutineer's
`PUT /api/schedule/settings` and `POST /api/schedule/move`: estimates from the settings, re-timed when a round
really finishes early or late (the box's clock is injected: no sleeping), moves refused in plain words, couples
due on two floors at once, and every change in the change log, rebuilt by `verify`'s replay.

The box: the Main floor has "Final Only" (6 couples, C R) and "Two Rounds" (11 couples, W T: a 1st round
recalling 6, then the final); the Second floor has "Other" (6 couples, W: a final). Sam and Sue dance "Two Rounds"
and "Other". Timing: dance 90 s, 30 s between heats, 60 s between dances, 120 s between rounds, so a round of
2 dances in 1 heat lasts 2 x (90 + 30) + 60 = 300 s: the Main floor from 10:00 runs 10:00-10:05, 10:07-10:12,
10:14-10:19.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from litestar.testing import AsyncTestClient

from appliance.app import create_app
from appliance.db import replay, replay_compare
from appliance.db.store import Store
from tests.api.test_marks import bibs_of, places
from tests.conftest import Api, enrolled

CET = dt.timezone(dt.timedelta(hours=1))
TIMING = {"dance_seconds": 90, "heat_change_seconds": 30, "dance_change_seconds": 60, "round_change_seconds": 120}


class Clock:
    """The box's clock, set by the test (the change log's times, and "now" for the estimates)."""

    def __init__(self):
        self.at = dt.datetime(2026, 12, 5, 9, 0, tzinfo=CET)

    def set(self, hour: int, minute: int) -> None:
        self.at = dt.datetime(2026, 12, 5, hour, minute, tzinfo=CET)

    def __call__(self) -> str:
        return self.at.astimezone(dt.UTC).isoformat(timespec="milliseconds")


async def _register(api: Api, comp: dict, events: dict) -> None:
    link = await api.link(comp["id"])
    for i in range(6):
        await api.register(link["token"], f"F{i}", f"P{i}", [events["Final Only"]["id"]])
    for i in range(10):
        await api.register(link["token"], f"R{i}", f"Q{i}", [events["Two Rounds"]["id"]])
    for i in range(5):
        await api.register(link["token"], f"O{i}", f"S{i}", [events["Other"]["id"]])
    await api.register(link["token"], "Sam", "Sue", [events["Two Rounds"]["id"], events["Other"]["id"]])


@pytest.fixture
async def box(settings, tmp_path):
    clock = Clock()
    store = Store(tmp_path / "schedule.sqlite3", clock=clock)
    async with AsyncTestClient(create_app(settings, store)) as client:
        api = Api(client, await enrolled(client))
        comp = await api.competition()
        for name in ("Ann", "Bob", "Cid"):
            await api.ok("POST", f"/api/competitions/{comp['id']}/adjudicators", 201, json={"name": name})
        events = {
            "Final Only": await api.event(comp["id"], name="Final Only", style="latin", dances=["C", "R"]),
            "Two Rounds": await api.event(comp["id"], name="Two Rounds", dances=["W", "T"]),
            "Other": await api.event(comp["id"], name="Other", dances=["W"], floor="Second floor"),
        }
        for event in events.values():
            await api.ok("PUT", f"/api/events/{event['id']}/panel", json={"letters": ["A", "B", "C"]})
        await _register(api, comp, events)
        await api.ok("POST", f"/api/competitions/{comp['id']}/close-registration", json={"seed": 1})
        tablets = {j: await enrolled(client, "adjudicator", competition_id=comp["id"], judge=j) for j in "ABC"}
        plans = {name: await api.ok("GET", f"/api/events/{e['id']}/plan") for name, e in events.items()}
        main, second = (f["id"] for f in comp["floors"])
        yield SimpleNamespace(
            api=api,
            client=client,
            clock=clock,
            store=store,
            comp=comp,
            main=main,
            second=second,
            plans=plans,
            tablets=tablets,
        )


async def timing(box, floor: int, start: str, **extra) -> dict:
    return await box.api.ok("PUT", "/api/schedule/settings", json={"floor_id": floor, "start": start} | TIMING | extra)


async def floor_of(box, floor: int) -> dict:
    answer = (await box.client.get(f"/api/schedule?floor={floor}")).json()  # public: no signature
    return answer["floors"][0]


def times(floor: dict) -> list[tuple[str, str, str, str]]:
    return [(r["event"], r["round"], r["start"][11:16], r["end"][11:16]) for r in floor["rounds"]]


async def judge_final(box, name: str) -> None:
    rnd = box.plans[name]["rounds"][0]
    bibs = bibs_of(rnd)
    for dance in rnd["heats"]:
        for j in "ABC":
            sent = await box.tablets[j].post(f"/api/rounds/{rnd['id']}/sheets/{dance}", places(bibs))
            assert sent.status_code == 200, sent.text


async def test_the_schedule_is_public_with_names_times_and_heats_from_the_settings(box):
    unset = await floor_of(box, box.main)
    assert unset["settings"]["set_by_scrutineer"] is False and unset["settings"]["start"].startswith("2026-12-05T09:00")
    answer = await timing(box, box.main, "2026-12-05T10:00:00+01:00", breaks=[{"before": 3, "minutes": 15}])
    floor = next(f for f in answer["floors"] if f["floor_id"] == box.main)
    assert floor["settings"]["set_by_scrutineer"] and floor["settings"]["start"] == "2026-12-05T10:00:00+01:00"
    assert times(floor) == [
        ("Final Only", "Final", "10:00", "10:05"),
        ("Two Rounds", "1st round", "10:07", "10:12"),
        ("Two Rounds", "Final", "10:29", "10:34"),  # after the 15-minute break from 10:14
    ]
    assert [(b["label"], b["start"][11:16], b["end"][11:16]) for b in floor["breaks"]] == [("Break", "10:14", "10:29")]
    first = floor["rounds"][1]
    assert (first["heats"], first["dances"], first["couples"], first["status"]) == (1, 2, 11, "to come")
    assert first["start"] == "2026-12-05T10:07:00+01:00" and floor["ends"] == "2026-12-05T10:34:00+01:00"
    everything = (await box.client.get("/api/schedule")).json()
    assert [f["floor"] for f in everything["floors"]] == ["Main floor", "Second floor"]
    assert everything["now"] == "2026-12-05T08:00:00+00:00"
    log = box.store.read_sync(lambda c: c.execute("SELECT kind, entity FROM change_log ORDER BY seq DESC").fetchone())
    assert tuple(log) == ("schedule.settings_set", f"floor/{box.main}")


@pytest.mark.parametrize(("finished", "next_start"), [((10, 4), "10:06"), ((10, 12), "10:14")])
async def test_the_rounds_after_one_that_finishes_early_or_late_move(box, finished, next_start):
    await timing(box, box.main, "2026-12-05T10:00:00+01:00")
    box.clock.set(10, 1)
    await box.api.ok("POST", f"/api/floors/{box.main}/start")  # Final Only on the floor at 10:01
    assert times(await floor_of(box, box.main))[:2] == [
        ("Final Only", "Final", "10:01", "10:06"),
        ("Two Rounds", "1st round", "10:08", "10:13"),
    ]
    box.clock.set(10, 10)  # past its estimate and not finished: it ends "now" at the earliest
    running = await floor_of(box, box.main)
    assert running["rounds"][0]["status"] == "on the floor" and times(running)[1][2] == "10:12"
    box.clock.set(*finished)
    await judge_final(box, "Final Only")  # the last sheet computes the result: the round has finished
    floor = await floor_of(box, box.main)
    assert floor["rounds"][0]["status"] == "finished"
    assert floor["rounds"][0]["end"][11:16] == f"{finished[0]}:{finished[1]:02d}"
    follow = times(floor)[1:]
    assert follow[0][2] == next_start
    assert follow[1][2] == (dt.datetime.strptime(follow[0][3], "%H:%M") + dt.timedelta(minutes=2)).strftime("%H:%M")


async def test_a_couple_due_on_two_floors_at_once_is_listed(box):
    await timing(box, box.main, "2026-12-05T10:00:00+01:00")
    answer = await timing(box, box.second, "2026-12-05T10:08:00+01:00")  # "Other" 10:08-10:10, beside the 1st round
    sam = next(
        c["couple"]["bib"]
        for c in await box.api.ok("GET", f"/api/competitions/{box.comp['id']}/entries")
        if c["couple"]["leader"] == "Sam"
    )
    [clash] = answer["clashes"]
    assert clash["bibs"] == [sam] and clash["certain"] is True
    assert [(r["floor"], r["event"], r["round"]) for r in clash["rounds"]] == [
        ("Main floor", "Two Rounds", "1st round"),
        ("Second floor", "Other", "Final"),
    ]
    assert clash["message"] == (
        f"couple {sam} is due on Main floor (Two Rounds, 1st round, 10:07-10:12) "
        "and Second floor (Other, Final, 10:08-10:10) at once"
    )
    assert (await box.client.get(f"/api/schedule?floor={box.second}")).json()["clashes"] == [clash]
    later = await timing(box, box.second, "2026-12-05T10:15:00+01:00")  # beside the final Sam may reach
    assert [(c["bibs"], c["certain"], "may be due" in c["message"]) for c in later["clashes"]] == [([sam], False, True)]
    apart = await timing(box, box.second, "2026-12-05T11:00:00+01:00")
    assert apart["clashes"] == [] and (await box.client.get("/api/schedule")).json()["clashes"] == []


async def test_a_move_changes_the_floors_order_and_the_running_order_and_is_rebuilt_from_the_log(box):
    await timing(box, box.second, "2026-12-05T11:00:00+01:00", breaks=[{"before": 1, "minutes": 5, "label": "Tea"}])
    order = [r["round_id"] for r in (await floor_of(box, box.main))["rounds"]]
    moved = await box.api.ok("POST", "/api/schedule/move", json={"round_id": order[0], "position": 3})
    floor = next(f for f in moved["floors"] if f["floor_id"] == box.main)
    assert [r["round_id"] for r in floor["rounds"]] == [order[1], order[2], order[0]]
    running = await box.api.ok("GET", f"/api/floors/{box.main}/running-order")
    assert [i["event"] for i in running] == ["Two Rounds", "Two Rounds", "Final Only", "Final Only"]
    row = box.store.read_sync(
        lambda c: c.execute("SELECT kind, payload FROM change_log WHERE kind = 'schedule.moved'").fetchone()
    )
    assert row is not None and f'"order":[{order[1]},{order[2]},{order[0]}]' in row["payload"]
    head = await box.api.head()
    again = await box.api.ok("POST", "/api/schedule/move", json={"round_id": order[0], "position": 3})
    assert again["floors"] == moved["floors"] and await box.api.head() == head  # nothing to move: nothing logged
    first = box.plans["Two Rounds"]["rounds"][0]
    for dance in ("W", "T"):  # a clean cut: the final is drawn and keeps the place the move gave it
        for j in "ABC":
            sent = await box.tablets[j].post(
                f"/api/rounds/{first['id']}/sheets/{dance}", {"crosses": bibs_of(first)[:6]}
            )
            assert sent.status_code == 200, sent.text
    running = await box.api.ok("GET", f"/api/floors/{box.main}/running-order")
    assert [(i["round_id"], i["dance"]) for i in running] == [
        (order[1], "W"),
        (order[1], "T"),
        (order[2], "W"),
        (order[2], "T"),
        (order[0], "C"),
        (order[0], "R"),
    ]

    def rebuilt(conn):
        return replay_compare.compare(conn, replay.rebuild(replay.log_rows(conn))[0])

    assert box.store.read_sync(rebuilt) == []


async def test_moves_that_break_the_order_of_an_event_or_the_day_are_refused_in_plain_words(box):
    api = box.api
    first, two_rounds, final = [r["round_id"] for r in (await floor_of(box, box.main))["rounds"]]
    error = await api.refused("POST", "/api/schedule/move", 409, "position", json={"round_id": final, "position": 1})
    assert (
        error["message"]
        == "the Final of Two Rounds cannot come before its 1st round: it dances the couples that round recalls"
    )
    error = await api.refused(
        "POST", "/api/schedule/move", 409, "position", json={"round_id": two_rounds, "position": 3}
    )
    assert "cannot come before its 1st round" in error["message"]
    error = await api.refused("POST", "/api/schedule/move", 422, "position", json={"round_id": first, "position": 4})
    assert error["message"] == "position must be from 1 to 3: the floor has 3 rounds"
    error = await api.refused("POST", "/api/schedule/move", 404, "round_id", json={"round_id": 9999, "position": 1})
    assert error["message"] == "no round 9999"
    await api.ok("POST", f"/api/floors/{box.main}/start")  # Final Only is on the floor
    error = await api.refused("POST", "/api/schedule/move", 409, "round_id", json={"round_id": first, "position": 2})
    assert error["message"] == "the Final of Final Only has started (running): it can no longer move"
    error = await api.refused(
        "POST", "/api/schedule/move", 409, "position", json={"round_id": two_rounds, "position": 1}
    )
    assert error["message"] == (
        "position 1 is before the Final of Final Only, which has started: the first position still free is 2"
    )


BAD_SETTINGS = [
    ({"start": "2026-12-05T10:00:00"}, 422, "start", "UTC offset"),
    ({"start": "tomorrow at ten o'clock"}, 422, "start", "is not a date and time"),
    ({"start": "1999-12-05T10:00:00+01:00"}, 422, "start", "between 2000 and 2100"),
    ({"dance_seconds": 5}, 400, "dance_seconds", None),
    ({"round_change_seconds": -1}, 400, "round_change_seconds", None),
    ({"breaks": [{"before": 0, "minutes": 10}]}, 400, None, None),
    ({"breaks": [{"before": 1, "minutes": 10, "label": " "}]}, 400, None, None),
    ({"colour": "red"}, 400, None, None),
    ({"floor_id": 9999}, 404, "floor_id", "no floor 9999"),
]


async def test_bad_settings_are_refused_and_nothing_is_written(box):
    for body, status, field, words in BAD_SETTINGS:  # one box for all: each refusal must leave the log as it was
        sent = {"floor_id": box.main, "start": "2026-12-05T10:00:00+01:00"} | body
        error = await box.api.refused("PUT", "/api/schedule/settings", status, field, json=sent)
        assert words is None or words in error["message"], (body, error)
    assert (await floor_of(box, box.main))["settings"]["set_by_scrutineer"] is False


async def test_only_the_competitions_scrutineer_may_set_or_move_and_anyone_may_read(box):
    client, comp = box.client, box.comp
    rnd = box.plans["Two Rounds"]["rounds"][1]["id"]
    body = {"floor_id": box.main, "start": "2026-12-05T10:00:00+01:00"}
    for role in ("chair", "display"):
        device = await enrolled(client, role, competition_id=comp["id"])
        assert (await device.put("/api/schedule/settings", body)).status_code == 403
        assert (await device.post("/api/schedule/move", {"round_id": rnd, "position": 3})).status_code == 403
    assert (await box.tablets["A"].post("/api/schedule/move", {"round_id": rnd, "position": 3})).status_code == 403
    unsigned = await client.put("/api/schedule/settings", json=body)
    assert unsigned.status_code == 401 and unsigned.json()["error"]["field"] == "X-Signature"
    other = await box.api.competition(name="Autumn Cup")
    stranger = await enrolled(client, "scrutineer", competition_id=other["id"])
    refused = await stranger.put("/api/schedule/settings", body)
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "competition_id"
    refused = await stranger.post("/api/schedule/move", {"round_id": rnd, "position": 3})
    assert refused.status_code == 403 and "competition" in refused.json()["error"]["message"]
    for query, status, field in (("?floor=0", 400, "floor"), ("?floor=x", 400, "floor"), ("?floor=9999", 404, "floor")):
        answer = await client.get(f"/api/schedule{query}")
        assert answer.status_code == status and answer.json()["error"]["field"] == field, answer.text
    mine = await client.get(f"/api/schedule?competition={other['id']}")
    assert mine.status_code == 200 and [f["floor"] for f in mine.json()["floors"]] == ["Main floor", "Second floor"]
    assert (await client.get("/api/schedule?competition=9999")).status_code == 404
