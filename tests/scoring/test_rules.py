"""The Skating System rule by rule, one sentence per test (numbering as in Dawson, WDSF and the TSO)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from appliance.scoring import MarksError, count_recall, place_dance, place_final
from appliance.scoring.skating import majority_of

DANCES5 = ["W", "T", "V", "F", "Q"]


def final_from_digits(text: str, dances: list[str]) -> dict[str, dict[str, list[int]]]:
    """'12,21;21,12': dances split by ';', couples (numbered 1..n) by ',', one digit per judge."""
    return {
        dance: {str(i + 1): [int(ch) for ch in couple] for i, couple in enumerate(block.split(","))}
        for dance, block in zip(dances, text.split(";"), strict=False)
    }


def single_judge_final(places: dict[str, list[int]]) -> tuple[list[str], dict]:
    """A final judged by one judge, so each dance's places are exactly the given marks."""
    dances = [f"D{i + 1}" for i in range(len(next(iter(places.values()))))]
    marks = {d: {c: [p[i]] for c, p in places.items()} for i, d in enumerate(dances)}
    return dances, marks


def as_float(places: dict) -> dict:
    return {c: float(p) for c, p in places.items()}


@pytest.mark.parametrize(
    ("judges", "majority"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 4), (7, 4), (9, 5), (25, 13), (45, 23)]
)
def test_majority_is_more_than_half_for_odd_and_even_panels(judges, majority):
    assert majority_of(judges) == majority


def test_rule_5_places_the_couple_with_a_majority_of_firsts_first():
    placing = place_dance({"1": [1, 1, 2], "2": [2, 2, 1], "3": [3, 3, 3]})
    assert placing.places == {"1": 1, "2": 2, "3": 3}
    assert placing.decisions["1"].rule == 5


def test_rule_6_larger_majority_takes_the_place_under_review():
    # 1 and 2 both reach a majority (3 of 5) in the 1-2 column; 2 with five marks against three.
    placing = place_dance({"1": [1, 1, 3, 2, 3], "2": [2, 2, 2, 1, 2], "3": [3, 3, 1, 3, 1]})
    assert placing.places == {"2": 1, "1": 2, "3": 3}
    assert placing.decisions["2"].rule == 6
    assert (placing.decisions["2"].mine, placing.decisions["2"].theirs) == (5, 3)


def test_rule_7a_equal_majority_is_broken_by_the_lower_sum():
    # No majority of firsts; in the 1-2 column couples 1 and 2 both have 4 marks: sums 6 against 7.
    placing = place_dance({"1": [1, 1, 2, 3, 2], "2": [2, 2, 1, 2, 3], "3": [3, 3, 3, 1, 1]})
    assert placing.places == {"1": 1, "2": 2, "3": 3}
    decision = placing.decisions["1"]
    assert (decision.rule, decision.measure, decision.mine, decision.theirs) == (7, "sum", 6, 7)


def test_rule_7b_compares_only_the_tied_couples_in_the_next_column():
    # 3 is 1st (Rule 5). 1 and 2 tie in the 1-2 column (3 marks, sum 5); in 1-3, 5 marks against 4.
    placing = place_dance(
        {
            "1": [1, 2, 2, 3, 4],
            "2": [2, 1, 3, 2, 3],
            "3": [3, 3, 1, 1, 1],
            "4": [4, 4, 4, 4, 2],
        }
    )
    assert placing.places == {"3": 1, "2": 2, "1": 3, "4": 4}
    decision = placing.decisions["2"]
    assert (decision.rule, decision.column, decision.measure, decision.mine, decision.theirs) == (7, 3, "count", 5, 4)


def test_exhausted_ties_share_the_mean_of_their_places_and_consume_them():
    placing = place_dance({"1": [1, 2, 3], "2": [2, 3, 1], "3": [3, 1, 2], "4": [4, 4, 4]})
    assert placing.places == {"1": 2, "2": 2, "3": 2, "4": 4}


def test_rule_8_adds_the_next_column_when_nobody_has_a_majority():
    placing = place_dance({"1": [1, 1, 3, 3, 3], "2": [2, 2, 1, 2, 2], "3": [3, 3, 2, 1, 1]})
    # Column 1: 1 has 2, 3 has 2, 2 has 1: no majority of 3 -> Rule 8: column 1-2.
    assert placing.places == {"2": 1, "3": 2, "1": 3}
    assert placing.decisions["2"].rule == 6


def test_the_column_never_jumps_to_the_place_number():
    """TSO/Dawson Example C shape: 2nd and 3rd from the 1-2 column, 4th then sought in the 1-3 column."""
    placing = place_dance(
        {
            "1": [1, 1, 1, 2, 2],
            "2": [2, 2, 3, 1, 1],
            "3": [3, 3, 2, 3, 5],
            "4": [4, 5, 4, 4, 3],
            "5": [5, 4, 5, 5, 4],
        }
    )
    assert placing.places == {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


def test_rule_9_adds_dance_places_and_lowest_total_wins():
    dances, marks = single_judge_final({"1": [1, 2, 1], "2": [2, 1, 3], "3": [3, 3, 2]})
    result = place_final(["A"], dances, marks)
    assert result.places == {"1": 1, "2": 2, "3": 3}
    assert {d.rule for d in result.decisions.values()} == {9}


def test_rule_10_examines_the_remaining_couples_afresh_for_each_place():
    """Three couples on 17 for 3rd-5th: 4 wins 3rd; for 4th, 3 beats 2 on '4th or better' though 2 was runner-up
    for 3rd."""
    dances, marks = single_judge_final(
        {
            "1": [5, 2, 2, 3, 2],
            "2": [4, 4, 3, 1, 5],
            "3": [2, 3, 4, 4, 4],
            "4": [3, 5, 1, 5, 3],
            "5": [1, 1, 5, 2, 1],
        }
    )
    result = place_final(["A"], dances, marks)
    assert as_float(result.places) == {"5": 1, "1": 2, "4": 3, "3": 4, "2": 5}
    assert [(s.place, s.winners) for s in result.rule10] == [(3, ("4",)), (4, ("3",))]
    assert result.decisions["3"].rule == 10
    assert (result.decisions["3"].mine, result.decisions["3"].theirs) == (5, 4)


def test_rule_10_counts_places_at_or_above_the_place_under_review_not_first():
    # 2 and 3 tie on 10 for 2nd. 3 has more 1st places (2 against 0), but '2nd or better' is 3 dances against 2.
    dances, marks = single_judge_final({"1": [3, 1, 1, 2], "2": [2, 2, 2, 4], "3": [1, 4, 4, 1], "4": [4, 3, 3, 3]})
    result = place_final(["A"], dances, marks)
    assert as_float(result.places) == {"1": 1, "2": 2, "3": 3, "4": 4}
    assert result.rule10[0].standing == {"2": (3, 12), "3": (2, 4)}
    assert result.decisions["2"].rule == 10


def test_rule_10_sum_breaks_an_equal_count():
    # 2 and 3 tie on 11 for 2nd, each placed 2nd or better twice: 1+2 = 3 against 2+2 = 4.
    dances, marks = single_judge_final({"1": [3, 1, 1, 1], "2": [1, 2, 4, 4], "3": [2, 4, 2, 3], "4": [4, 3, 3, 2]})
    result = place_final(["A"], dances, marks)
    assert as_float(result.places) == {"1": 1, "2": 2, "3": 3, "4": 4}
    decision = result.decisions["2"]
    assert (decision.rule, decision.measure, decision.mine, decision.theirs) == (10, "sum", 3, 4)


def test_rule_11_with_three_couples_places_its_winner_then_returns_to_rule_10():
    """TSO Beispiel P (Dawson Example P, 'Rule 11(d)'), as encoded in jUdge's CalculatorTest."""
    marks = final_from_digits(
        "22525,33636,45311,11253,66144,54462;12234,31313,25555,44441,66666,53122;"
        "11111,23456,34562,45623,52234,66345;33136,11252,45441,56323,22515,64664;"
        "26261,44636,15152,63345,51514,32423",
        DANCES5,
    )
    result = place_final(list("ABCDE"), DANCES5, marks)
    assert as_float(result.places) == {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6}
    expected_dances = {
        "1": [2, 1, 1, 3, 2],
        "2": [4, 3, 4, 1, 6],
        "3": [3, 5, 4, 5, 1],
        "4": [1, 4, 4, 4, 5],
        "5": [5, 6, 2, 2, 4],
        "6": [6, 2, 6, 6, 3],
    }
    for i, dance in enumerate(DANCES5):
        assert {c: float(p) for c, p in result.dances[dance].places.items()} == {
            c: places[i] for c, places in expected_dances.items()
        }
    assert [s.winners for s in result.rule11] == [("2",)]
    assert result.rule11[0].majority == 13
    # Rule 11 alone would put 4 (12 marks of 3rd or better) above 3 (10); back in Rule 10, 3 takes 3rd.
    assert result.decisions["3"].rule == 10


def test_rule_11_starts_at_the_column_of_the_place_under_review():
    # Two couples tied for 2nd after Rule 10; their pooled marks are compared from column 2 on.
    marks = {
        "W": {"1": [1, 1, 1], "2": [2, 3, 2], "3": [3, 2, 3]},
        "T": {"1": [1, 1, 1], "2": [3, 2, 3], "3": [2, 3, 2]},
    }
    result = place_final(["A", "B", "C"], ["W", "T"], marks)
    assert result.places["1"] == 1
    assert result.rule11 and result.rule11[0].place == 2 and result.rule11[0].majority == 4
    assert sorted(result.places.values()) == [1, Fraction(5, 2), Fraction(5, 2)]


def test_rule_11_that_cannot_separate_leaves_the_places_shared():
    marks = {"W": {"1": [1, 2], "2": [2, 1]}, "T": {"1": [2, 1], "2": [1, 2]}}
    result = place_final(["A", "B"], ["W", "T"], marks)
    assert result.places == {"1": Fraction(3, 2), "2": Fraction(3, 2)}
    assert result.decisions["1"].rule == 11 and result.decisions["1"].shared_with == ("2",)


def test_a_ten_dance_is_one_final_over_ten_dances():
    dances = ["W", "T", "V", "F", "Q", "C", "S", "R", "P", "J"]
    order = ["1", "2", "3", "4", "5", "6"]
    marks = {d: {c: [order.index(c) + 1] * 5 for c in order} for d in dances}
    marks["J"] = {c: [len(order) - order.index(c)] * 5 for c in order}
    result = place_final(list("ABCDE"), dances, marks)
    assert as_float(result.places) == {c: i + 1 for i, c in enumerate(order)}
    assert result.totals2["1"] == 2 * (9 + 6)


def test_rule_1_recalls_the_couples_with_most_crosses_over_all_dances():
    result = count_recall(
        ["A", "B", "C"],
        ["W", "T"],
        [10, 11, 12, 13, 14],
        3,
        {
            "W": {"A": [10, 11, 12], "B": [10, 12, 13], "C": [11, 12, 14]},
            "T": {"A": [10, 11, 12], "B": [10, 12, 14], "C": [10, 12, 13]},
        },
    )
    assert result.totals == {10: 5, 11: 3, 12: 6, 13: 2, 14: 2}
    assert result.recalled == (10, 11, 12) and not result.tie_at_cut and result.warnings == ()


def test_rule_1_reports_a_tie_at_the_cut_with_the_chairs_two_choices():
    result = count_recall(
        ["A", "B", "C"],
        ["W", "T"],
        [10, 11, 12, 13, 14],
        4,
        {
            "W": {"A": [10, 11, 12], "B": [10, 12, 13], "C": [11, 12, 14]},
            "T": {"A": [10, 11, 12], "B": [10, 12, 14], "C": [10, 12, 13]},
        },
    )
    assert result.tie_at_cut and result.recalled is None
    assert result.cut_options == ((10, 11, 12), (10, 11, 12, 13, 14))
    assert len(result.warnings) == 6 and "judge A crossed 3 couples in dance W, not 4" in result.warnings


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        ({"W": {"1": [1, 1], "2": [2, 2], "3": [2, 3]}}, "judge A placed couple 3 and couple 2 both 2 in dance W"),
        ({"W": {"1": [1, 1], "2": [2, 2], "3": [4, 3]}}, "judge A gave couple 3 place 4 in dance W"),
        ({"W": {"1": [1, 1], "2": [2, 2], "3": [3]}}, "couple 3 has 1 marks in dance W, expected 2"),
        (
            {"W": {"1": [1, 1], "2": [2, 2], "3": [3, 3]}, "T": {"1": [1, 1], "2": [2, 2]}},
            "couple 3 has no marks in dance T",
        ),
    ],
)
def test_rules_2_to_4_refuse_marks_that_are_not_a_full_ranking(marks, message):
    with pytest.raises(MarksError, match=message):
        place_final(["A", "B"], list(marks), marks)


def test_a_recall_sheet_crossing_a_couple_twice_is_refused():
    with pytest.raises(MarksError, match="judge B crossed couple 12 twice in dance W"):
        count_recall(["A", "B"], ["W"], [11, 12, 13], 2, {"W": {"A": [11, 12], "B": [12, 12]}})


def test_a_recall_sheet_crossing_a_couple_outside_the_round_is_refused():
    with pytest.raises(MarksError, match="judge A crossed couple 99 in dance W, who is not in the round"):
        count_recall(["A"], ["W"], [11, 12, 13], 2, {"W": {"A": [11, 99]}})
