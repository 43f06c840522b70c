"""Found by trying the day's schedule as a careless operator (brief S8): the scrutineer moved an event's semi-final
up the order, its redance kept it from being drawn in time, and the floor danced the next event's rounds first. The
rounds still to come then overlapped one another and the round on the floor (each started at "now"): no round to
come may start before the round on the floor, or another round to come before it, has ended."""

from __future__ import annotations

import itertools

from appliance.scoring.schedule import Slot, Timing, estimate

T = Timing(start=0, dance_seconds=90, heat_change_seconds=30, dance_change_seconds=60, round_change_seconds=120)


def test_rounds_to_come_never_overlap_each_other_or_the_round_on_the_floor():
    slots = [
        Slot(1, 5, 3, started=0, finished=2000),  # the 1st round, finished
        Slot(2, 5, 1),  # its semi-final, moved up, not drawn in time
        Slot(7, 3, 1, started=2100, finished=2600),  # the next event's 1st round, danced meanwhile
        Slot(3, 5, 1),  # the final
        Slot(8, 3, 1, started=2700),  # the next event's final, on the floor now
    ]
    timed, _ = estimate(T, slots, now=2800)
    busy = sorted((t.start, t.end, t.round_id) for t in timed if t.status in ("to come", "on the floor"))
    assert [t.status for t in timed] == ["finished", "to come", "finished", "to come", "on the floor"]
    on_floor = next(t for t in timed if t.round_id == 8)
    assert (on_floor.start, on_floor.end) == (2700, 2700 + 480)
    for (_, end, first), (start, _, second) in itertools.pairwise(busy):
        assert start >= end + T.round_change_seconds, (first, second, busy)
    semi, final = (next(t for t in timed if t.round_id == r) for r in (2, 3))
    assert semi.start == on_floor.end + 120 and final.start == semi.end + 120


def test_the_usual_order_is_timed_as_before():
    slots = [Slot(1, 5, 1, started=100), Slot(2, 3, 1), Slot(3, 3, 1)]
    timed, _ = estimate(T, slots, now=200)
    assert [(t.start, t.end, t.status) for t in timed] == [
        (100, 100 + 840, "on the floor"),
        (940 + 120, 940 + 120 + 480, "to come"),
        (1540 + 120, 1540 + 120 + 480, "to come"),
    ]
