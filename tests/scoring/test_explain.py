"""Every placing explained in plain words, and the scrutineer's tables."""

from __future__ import annotations

import pytest

from appliance.scoring import count_recall, place_dance, place_final
from appliance.scoring.explain import final_report, ordinal, reason, reasons, recall_report
from tests.scoring.test_rules import single_judge_final


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
    ],
)
def test_ordinals_read_as_english(n, text):
    assert ordinal(n) == text


def test_rule_10_reason_names_the_place_the_count_and_the_rival():
    dances, marks = single_judge_final(
        {
            "1": [5, 2, 2, 3, 2],
            "2": [4, 4, 3, 1, 5],
            "3": [2, 3, 4, 4, 4],
            "4": [3, 5, 1, 5, 3],
            "5": [1, 1, 5, 2, 1],
        }
    )
    text = reasons(place_final(["A"], dances, marks))
    assert text["3"] == "4th, not 5th: Rule 10, placed 4th or better in 5 dances against 4 for couple 2"
    assert text["2"] == "5th, not 4th: Rule 10, placed 4th or better in 4 dances against 5 for couple 3"
    assert text["4"].startswith("3rd, not 4th: Rule 10, placed 3rd or better in 3 dances against 2")


def test_rule_5_and_shared_reasons():
    placing = place_dance({"1": [1, 2, 3], "2": [2, 3, 1], "3": [3, 1, 2], "4": [4, 4, 4]})
    assert reason(placing.decisions["4"], 3) == "4th: Rule 5, placed 4th or higher by 3 of 3 judges, a majority"
    assert reason(placing.decisions["1"], 3) == (
        "2 (1st-3rd shared): Rule 7, equal in every column with couples 2, 3, so the places are shared"
    )


def test_rule_7_reason_gives_both_sums():
    placing = place_dance({"1": [1, 1, 2, 3, 2], "2": [2, 2, 1, 2, 3], "3": [3, 3, 3, 1, 1]})
    assert reason(placing.decisions["1"], 5) == (
        "1st, not 2nd (no majority for 1st: Rule 8 read on to 2nd or higher): Rule 7, the same majority for "
        "2nd or higher as couple 2, and a sum of those marks of 6 against 7"
    )


def test_final_report_shows_marks_columns_totals_and_rule_11_working():
    marks = {
        "W": {"1": [1, 1, 1], "2": [2, 3, 2], "3": [3, 2, 3]},
        "T": {"1": [1, 1, 1], "2": [3, 2, 3], "3": [2, 3, 2]},
    }
    report = final_report(place_final(["A", "B", "C"], ["W", "T"], marks))
    assert "Dance W: 3 judges, majority 2" in report
    assert "Couple  A  B  C  1   1-2   1-3  Place  Rule" in report
    assert "     2  2  3  2  -  2(4)  3(7)      2    R5" in report
    assert "     2  1  1      2      1    R9" not in report and "     2  2  3      5    2.5   R11" in report
    assert "Result over all dances (Rule 9: total of dance places)" in report
    assert "Rule 10 for 2nd place (places 2nd or better):" in report
    assert "Rule 11 for 2nd place: 6 pooled marks each, majority 4" in report
    assert "couple 2: 2.5 (2nd-3rd shared): Rule 11" in report


def test_recall_report_lists_crosses_the_cut_options_and_the_slips():
    result = count_recall(["A", "B"], ["W"], [1, 2, 3], 2, {"W": {"A": [1, 2], "B": [1]}})
    report = recall_report(result, 2, 1)
    assert "Recall round (Rule 1): 2 judges, 1 dance, 2 couples asked for" in report
    assert "Tie at the cut" not in report and "Recalled (2): 1, 2" in report
    assert "Warning: judge B crossed 1 couples in dance W, not 2" in report
    tied = recall_report(count_recall(["A"], ["W"], [1, 2, 3], 2, {"W": {"A": [1, 2, 3]}}), 1, 1)
    assert "recall 3: 1, 2, 3" in tied and "Tie at the cut" in tied
