"""Probe leftovers in the schedule (brief H10 points 2 and 3), on tests/api/test_schedule.py's box (Main floor:
Final Only, Two Rounds' 1st round and final; Second floor: Other, a final; Sam dances on both floors).

- A clash between floors whose UTC offsets differ says both times in one clock (the first floor's), naming that
  offset once, not each floor's wall clock side by side with no offset (10:07 next to 09:08 for the same moment).
- A break past the floor's last round would never be taken: it is refused (422, field `breaks`), nothing written.
"""

from __future__ import annotations

from tests.api.test_schedule import box, floor_of, timing  # noqa: F401 - the fixture


async def _sam(box) -> int:
    entries = await box.api.ok("GET", f"/api/competitions/{box.comp['id']}/entries")
    return next(e["couple"]["bib"] for e in entries if e["couple"]["leader"] == "Sam")


async def test_a_clash_across_utc_offsets_says_both_times_in_one_clock(box):
    await timing(box, box.main, "2026-12-05T10:00:00+01:00")
    answer = await timing(box, box.second, "2026-12-05T09:08:00+00:00")  # 10:08 in the Main floor's clock
    sam = await _sam(box)
    [clash] = answer["clashes"]
    assert [r["start"] for r in clash["rounds"]] == ["2026-12-05T10:07:00+01:00", "2026-12-05T09:08:00+00:00"]
    assert clash["message"] == (
        f"couple {sam} is due on Main floor (Two Rounds, 1st round, 10:07-10:12) "
        "and Second floor (Other, Final, 10:08-10:10) at once (times at UTC+01:00)"
    )
    german = (await box.client.get("/api/schedule", headers={"Accept-Language": "de"})).json()["clashes"][0]
    assert german["message"].endswith("(Zeiten in UTC+01:00)") and "10:08\u201310:10" in german["message"]  # an en dash
    same = await timing(box, box.second, "2026-12-05T10:08:00+01:00")  # one offset: no offset named
    assert same["clashes"][0]["message"].endswith("10:08-10:10) at once")


async def test_a_break_past_the_floors_last_round_is_refused(box):
    body = {"floor_id": box.main, "start": "2026-12-05T10:00:00+01:00"}
    late = body | {"breaks": [{"before": 3, "minutes": 15}, {"before": 4, "minutes": 30, "label": "Lunch"}]}
    error = await box.api.refused("PUT", "/api/schedule/settings", 422, "breaks", json=late)
    assert error["message"] == "breaks: a break before round 4 is past the floor's end: the floor has 3 rounds"
    assert (await floor_of(box, box.main))["settings"]["set_by_scrutineer"] is False  # nothing written
    kept = await timing(box, box.main, "2026-12-05T10:00:00+01:00", breaks=[{"before": 3, "minutes": 15}])
    assert [b["before"] for b in next(f for f in kept["floors"] if f["floor_id"] == box.main)["breaks"]] == [3]
