"""Places for everyone (domain.md "Placings of couples who went out early", issue #10 point 2), pure.

The worked example: 48 couples, 1st round recalls 24, quarter-final recalls 12. While the semi-final is still
to be danced, the 12 couples out in the quarter-final with equal crosses share "13.-24." and the 1st round's
couples rank from 25 on, by their crosses: the same places they keep once the final is known.
"""

from __future__ import annotations

from appliance.scoring.standings import RoundOutcome, label, standings


def _first_round() -> RoundOutcome:
    totals = {str(b): (30 if b <= 24 else (10 if b <= 30 else 4)) for b in range(1, 49)}
    return RoundOutcome("1st round", "recall", totals, list(range(1, 25)))


def _quarter() -> RoundOutcome:
    totals = {str(b): (20 if b <= 12 else 5) for b in range(1, 25)}
    return RoundOutcome("Quarter-final", "recall", totals, list(range(1, 13)))


def _labels(found) -> dict[int, str]:
    return {s.bib: label(s.place_from, s.place_to) for s in found}


def test_couples_out_rank_below_all_who_went_further_while_later_rounds_run():
    found = standings([_first_round(), _quarter()])
    labels = _labels(found)
    assert {labels[b] for b in range(13, 25)} == {"13.-24."}
    assert {labels[b] for b in range(25, 31)} == {"25.-30."} and {labels[b] for b in range(31, 49)} == {"31.-48."}
    assert not any(s.place_from <= 12 for s in found)  # nobody still dancing is given a place yet
    assert [s.round for s in found][:12] == ["Quarter-final"] * 12  # best first


def test_the_places_do_not_move_when_the_final_is_known():
    final = RoundOutcome("Final", "final", places={str(b): float(b) for b in range(1, 7)}, reasons={"1": "majority"})
    crosses = {str(b): 9 if b <= 6 else 3 - (b % 2) for b in range(1, 13)}  # 8, 10, 12: 3 crosses; 7, 9, 11: 2
    semi = RoundOutcome("Semi-final", "recall", crosses, [1, 2, 3, 4, 5, 6])
    during = _labels(standings([_first_round(), _quarter()]))
    after = _labels(standings([_first_round(), _quarter(), semi, final]))
    assert {b: during[b] for b in during} == {b: after[b] for b in during}
    assert after[1] == "1." and after[6] == "6." and {after[8], after[10], after[12]} == {"7.-9."}
    assert {after[7], after[9], after[11]} == {"10.-12."}


def test_a_tie_at_the_cut_waiting_for_the_chair_places_nobody_from_that_round():
    undecided = RoundOutcome("Quarter-final", "recall", {str(b): 1 for b in range(1, 25)}, None)
    found = standings([_first_round(), undecided])
    assert {s.round for s in found} == {"1st round"} and min(s.place_from for s in found) == 25


def test_a_shared_final_place_is_a_range():
    final = RoundOutcome("Final", "final", places={"1": 1, "2": 2.5, "3": 2.5, "4": 4})
    assert _labels(standings([final])) == {1: "1.", 2: "2.-3.", 3: "2.-3.", 4: "4."}


def test_star_couples_who_joined_later_count_among_those_who_went_further():
    first = RoundOutcome("1st round", "recall", {str(b): 10 - b for b in range(1, 9)}, [1, 2, 3, 4], ahead=6)
    assert min(s.place_from for s in standings([first])) == 7


def test_a_couple_withdrawn_after_its_recall_takes_no_place_of_those_out_before():
    """Couple 24 was recalled from the 1st round, then withdrew in the quarter-final (no place, labelled
    "withdrawn" by services/absences): 23 placed couples went further, so the 1st round's couples rank from 24 on,
    with no place left to nobody."""
    totals = {str(b): 20 if b <= 12 else 5 for b in range(1, 24)}  # 24's crosses are left out
    quarter = RoundOutcome("Quarter-final", "recall", totals, list(range(1, 13)))
    first = RoundOutcome(_first_round().name, "recall", _first_round().totals, list(range(1, 25)), ahead=23)
    labels = _labels(standings([first, quarter]))
    assert 24 not in labels and {labels[b] for b in range(13, 24)} == {"13.-23."}
    assert {labels[b] for b in range(25, 31)} == {"24.-29."} and {labels[b] for b in range(31, 49)} == {"30.-47."}
