"""Round planning and the heat draw, as properties."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.planning import PlanError, draw_heats, heat_sizes, plan_from_recalls, plan_rounds, round_names


@pytest.mark.parametrize(
    ("entries", "final", "sizes"),
    [
        (48, 6, [48, 24, 12, 6]),
        (26, 6, [26, 12, 6]),
        (10, 6, [10, 6]),
        (6, 6, [6]),
        (3, 6, [3]),
        (100, 6, [100, 48, 24, 12, 6]),
        (20, 7, [20, 7]),
        (30, 7, [30, 14, 7]),
        (1, 8, [1]),
    ],
)
def test_the_documented_policy(entries, final, sizes):
    plan = plan_rounds(entries, final)
    assert [r.couples for r in plan] == sizes
    assert [r.recall for r in plan] == [*sizes[1:], None]
    assert plan[-1].kind == "final" and all(r.kind == "recall" for r in plan[:-1])


def test_round_names_end_in_semi_final_and_final():
    assert round_names(1) == ["Final"]
    assert round_names(2) == ["1st round", "Final"]
    assert round_names(3) == ["1st round", "Semi-final", "Final"]
    assert round_names(5) == ["1st round", "2nd round", "Quarter-final", "Semi-final", "Final"]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400), st.integers(6, 8))
def test_every_plan_recalls_about_half_and_ends_in_a_final_that_fits(entries, final):
    plan = plan_rounds(entries, final)
    assert plan[0].couples == entries and plan[-1].couples <= final
    for before, after in itertools.pairwise(plan):
        assert before.recall == after.couples < before.couples
        assert after.couples >= before.couples / 3  # never more than about two thirds out at once
    if len(plan) >= 2:
        assert plan[-2].couples < 3 * final
    if len(plan) >= 3:
        assert plan[-2].couples == 2 * final  # a semi-final of twice the final (12 for a final of 6)


def test_the_chairs_plan_is_checked():
    assert [r.couples for r in plan_from_recalls(30, [12, 7])] == [30, 12, 7]
    with pytest.raises(PlanError, match="cannot recall 12"):
        plan_from_recalls(10, [12, 6])
    with pytest.raises(PlanError, match="final of 9"):
        plan_from_recalls(30, [9])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(1, 999), min_size=0, max_size=120, unique=True),
    st.integers(2, 48),
    st.integers(0, 2**48),
    st.booleans(),
)
def test_every_couple_dances_once_per_dance_in_heats_that_fit_and_differ_by_one(couples, limit, seed, redraw):
    dances = ["W", "T", "V", "F", "Q"]
    heats = draw_heats(couples, dances, limit, seed, redraw)
    for dance in dances:
        split = heats[dance]
        assert Counter(c for heat in split for c in heat) == Counter(couples)
        sizes = [len(h) for h in split]
        assert all(s <= limit for s in sizes)
        assert not sizes or max(sizes) - min(sizes) <= 1
        assert len(split) == len(heat_sizes(len(couples), limit))
    assert draw_heats(couples, dances, limit, seed, redraw) == heats  # the same seed gives the same draw
    if not redraw:
        assert all(heats[d] == heats["W"] for d in dances)


def test_redrawing_per_dance_gives_different_heats():
    heats = draw_heats(list(range(1, 41)), ["W", "T", "V", "F", "Q"], 12, seed=7, redraw_per_dance=True)
    assert len({str(h) for h in heats.values()}) > 1
    assert draw_heats(list(range(1, 41)), ["W"], 12, seed=8)["W"] != heats["W"]


def test_a_final_is_one_heat_whatever_the_floor():
    assert draw_heats([1, 2, 3, 4, 5, 6, 7], ["W"], 4, 1, final=True) == {"W": [[1, 2, 3, 4, 5, 6, 7]]}
