"""Issue #10 points 5 and 6: the plan counts the couples who join a round besides the recalled ones (star couples,
a redance's recalled couples): a round dances N recalled + S joining (domain.md "Special cases")."""

from __future__ import annotations

import pytest

from appliance.planning import PlanError, plan_from_recalls, plan_rounds, with_joining


def test_a_round_dances_the_recalled_couples_plus_those_who_join_it():
    """13 couples dance the 1st round (a 14th is seeded into the semi-final), recall 8: the semi-final dances 9."""
    planned = plan_from_recalls(13, [8, 6], {2: 1})
    assert [(p.name, p.couples, p.recall) for p in planned] == [
        ("1st round", 13, 8),
        ("Semi-final", 9, 6),
        ("Final", 6, None),
    ]


def test_a_redance_recalling_two_makes_the_second_round_larger_than_the_first_recalled():
    """The 2nd round may recall as many as the 1st did once couples join it (7 recalled + 2 from the redance)."""
    planned = plan_from_recalls(14, [7, 7], {2: 2})
    assert [p.couples for p in planned] == [14, 9, 7]


def test_a_plan_that_no_longer_fits_is_refused_in_plain_words():
    with pytest.raises(PlanError, match="a final of 9 couples is too large"):
        with_joining(plan_rounds(14, 6), {2: 3})
    with pytest.raises(PlanError, match="a round of 6 couples cannot recall 6"):
        plan_from_recalls(14, [6, 6])
    with pytest.raises(PlanError, match="seeded into round 3, but the plan has 2 rounds"):
        plan_from_recalls(13, [6], {3: 1})
    assert with_joining(plan_rounds(14, 6), {}) == plan_rounds(14, 6)
