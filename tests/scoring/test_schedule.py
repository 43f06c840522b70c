"""The day's schedule with times (issue #10 point 8), pure: the length of a round, a floor's estimates re-timed
from the rounds that really started and finished, couples due on two floors at once, and moves that keep each
event's rounds in order. Times are whole seconds; 0 is the floor's start."""

from __future__ import annotations

from appliance.scoring.schedule import (
    Break,
    Placed,
    Slot,
    Timing,
    clashes,
    depends,
    estimate,
    round_seconds,
)

MIN = 60
T = Timing(start=0, dance_seconds=90, heat_change_seconds=30, dance_change_seconds=60, round_change_seconds=120)


def test_a_round_lasts_dances_times_heats_times_a_dance_and_its_change_over_plus_the_pauses_between_dances():
    # 3 dances in 2 heats: 6 x (90 + 30) s, and 2 pauses of 60 s between the dances
    assert round_seconds(T, dances=3, heats=2) == 6 * 120 + 2 * 60 == 840
    assert round_seconds(T, dances=5, heats=1) == 5 * 120 + 4 * 60
    assert round_seconds(T, dances=0, heats=3) == 0


def test_rounds_follow_one_another_with_the_change_over_and_a_break_where_it_is_set():
    timing = Timing(0, 90, 30, 60, 120, breaks=(Break(before=3, minutes=30, label="Lunch"),))
    slots = [Slot(1, 3, 2), Slot(2, 5, 1), Slot(3, 3, 1)]
    timed, breaks = estimate(timing, slots, now=-3600)  # an hour before the floor starts
    assert [(t.round_id, t.start, t.end, t.status) for t in timed] == [
        (1, 0, 840, "to come"),
        (2, 840 + 120, 840 + 120 + 840, "to come"),
        (3, 1800 + 120 + 30 * MIN, 1800 + 120 + 30 * MIN + 480, "to come"),
    ]
    assert [(b.before, b.label, b.start, b.end) for b in breaks] == [(3, "Lunch", 1920, 1920 + 30 * MIN)]


def test_a_round_that_finishes_early_pulls_the_following_rounds_forward():
    slots = [Slot(1, 3, 2, started=0, finished=600), Slot(2, 3, 2)]  # estimated 840 s, done in 600
    timed, _ = estimate(T, slots, now=610)
    assert (timed[0].end, timed[0].status) == (600, "finished")
    assert timed[1].start == 600 + 120 and timed[1].end == 720 + 840


def test_a_round_that_finishes_late_pushes_the_following_rounds_back():
    slots = [Slot(1, 3, 2, started=0, finished=1200), Slot(2, 3, 2), Slot(3, 1, 1)]
    timed, _ = estimate(T, slots, now=1200)
    assert [t.start for t in timed] == [0, 1320, 1320 + 840 + 120]


def test_a_round_running_over_its_estimate_ends_now_at_the_earliest_and_the_next_waits_for_it():
    slots = [Slot(1, 3, 2, started=0), Slot(2, 1, 1)]
    on_time, _ = estimate(T, slots, now=300)
    assert (on_time[0].end, on_time[0].status, on_time[1].start) == (840, "on the floor", 960)
    late, _ = estimate(T, slots, now=1000)
    assert (late[0].end, late[1].start) == (1000, 1120)


def test_a_round_the_floor_has_moved_on_from_was_danced_while_its_result_is_awaited():
    slots = [Slot(1, 3, 2, started=0), Slot(2, 1, 1, started=900), Slot(3, 1, 1)]
    timed, _ = estimate(T, slots, now=5000)
    assert [(t.start, t.end, t.status) for t in timed] == [
        (0, 900 - 120, "danced"),
        (900, 5000, "on the floor"),
        (5120, 5120 + 120, "to come"),
    ]


def test_a_floor_that_starts_late_starts_its_rounds_no_earlier_than_now():
    timed, breaks = estimate(Timing(0, breaks=(Break(1, 10),)), [Slot(1, 1, 1), Slot(2, 1, 1)], now=900)
    assert breaks[0].start == 900 and timed[0].start == 900 + 600
    assert timed[1].start == timed[0].end + 120


def _placed(round_id, floor, start, end, people, finished=False, drawn=True):
    return Placed(round_id, floor, start, end, finished, drawn, people)


def test_a_couple_in_two_rounds_overlapping_on_two_floors_is_a_clash():
    rounds = [
        _placed(1, 1, 0, 600, {"ann": 7, "bob": 7}),
        _placed(2, 2, 500, 900, {"ann": 7, "bob": 7, "cid": 8, "dee": 8}),
        _placed(3, 2, 900, 1200, {"ann": 7, "bob": 7}),  # after round 1 has ended: no overlap
    ]
    found = clashes(rounds)
    assert [(c.bibs, c.round_ids, c.certain) for c in found] == [((7,), (1, 2), True)]


def test_a_dancer_of_two_couples_clashes_but_one_floor_or_finished_rounds_do_not():
    rounds = [
        _placed(1, 1, 0, 600, {"ann": 7, "bob": 7}),
        _placed(2, 2, 100, 700, {"ann": 12, "eve": 12}, drawn=False),  # Ann dances with Eve there (may reach it)
        _placed(3, 1, 0, 600, {"ann": 7, "bob": 7}),  # the same floor: danced one after the other, never a clash
        _placed(4, 2, 0, 300, {"bob": 9, "fay": 9}, finished=True),
        _placed(5, 1, 0, 90, {"bob": 7, "ann": 7}, finished=True),  # with round 4: both finished, not a warning
    ]
    found = clashes(rounds)
    assert [(c.bibs, c.round_ids, c.certain) for c in found] == [
        ((7, 12), (1, 2), False),
        ((7, 9), (1, 4), True),
        ((7, 12), (2, 3), False),
        ((7, 9), (3, 4), True),
    ]


def test_a_move_may_not_put_a_round_before_the_one_it_depends_on():
    # floor order: event 1's 1st round (10), event 2's final (20), event 1's final (11)
    order = [(10, 1, 1), (20, 2, 1), (11, 1, 2)]
    assert depends(order, 11, 0) == (10, 11)  # event 1's final before its 1st round
    assert depends(order, 10, 2) == (10, 11)  # the 1st round after its final
    assert depends(order, 20, 0) is None and depends(order, 20, 2) is None
    assert depends(order, 11, 1) is None
