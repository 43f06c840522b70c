"""Issue #12 point 2 (the live desk): the progress says which judges are late for a dance that has begun, with
their names, and since when: the floor going onto the dance, then the first sheet of that dance arriving (the box's
clock, moved by the test)."""

from __future__ import annotations

from tests.api.test_chair_pin import Clock
from tests.api.test_marks import bibs_of, judged, places  # noqa: F401 - `judged` is a fixture


def _dance(progress: dict, round_id: int, dance: str) -> dict:
    row = next(r for r in progress["rounds"] if r["round_id"] == round_id)
    return next(d for d in row["dances"] if d["dance"] == dance)


async def test_the_late_judges_are_named_with_the_time_they_are_waited_for(api, client, judged):
    comp, tablets, plans = judged
    clock = Clock()
    client.app.state["ctx"].store.clock = clock
    path = f"/api/competitions/{comp['id']}/progress"
    floor = comp["floors"][0]["id"]
    before = await api.ok("GET", path)
    assert all("late" not in d for r in before["rounds"] for d in r["dances"])  # nothing has begun
    started = clock()
    now = await api.ok("POST", f"/api/floors/{floor}/start")
    round_id, dance = now["now"]["round_id"], now["now"]["dance"]
    waiting = _dance(await api.ok("GET", path), round_id, dance)
    assert waiting["late"] == [
        {"letter": "A", "name": "Ann"},
        {"letter": "B", "name": "Bob"},
        {"letter": "C", "name": "Cid"},
    ]
    assert (waiting["late_from"], waiting["late_since"], waiting["started_at"]) == ("started", started, started)
    clock.advance(95)
    rnd = next(r for p in plans.values() for r in p["rounds"] if r["id"] == round_id)
    assert (await tablets["B"].post(f"/api/rounds/{round_id}/sheets/{dance}", places(bibs_of(rnd)))).status_code == 200
    clock.advance(30)
    progress = await api.ok("GET", path)
    late = _dance(progress, round_id, dance)
    assert late["sent"] == ["B"] and late["missing"] == ["A", "C"]
    assert late["late"] == [{"letter": "A", "name": "Ann"}, {"letter": "C", "name": "Cid"}]
    assert late["late_from"] == "first_sheet" and late["first_sheet_at"] == "2026-12-05T10:01:35.000+00:00"
    assert late["late_since"] == late["first_sheet_at"] and progress["now"].startswith("2026-12-05T10:02:05")
    other = next(
        d for d in next(r for r in progress["rounds"] if r["round_id"] == round_id)["dances"] if d["dance"] != dance
    )
    assert "late" not in other  # the next dance has not begun: nobody is late for it


async def test_the_progress_is_refused_to_a_judge(client, judged):
    comp, tablets, _plans = judged
    answer = await tablets["A"].get(f"/api/competitions/{comp['id']}/progress")
    assert answer.status_code == 403
