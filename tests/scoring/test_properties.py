"""Properties of the Skating engine (Hypothesis): invariances and conservation laws every result must obey."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.scoring import count_recall, place_final


@st.composite
def finals(draw, max_couples: int = 8, max_judges: int = 9, max_dances: int = 5):
    """A valid final: every judge places every couple 1..n in every dance."""
    n = draw(st.integers(1, max_couples))
    judges = [chr(ord("A") + i) for i in range(draw(st.integers(1, max_judges)))]
    dances = [f"D{i}" for i in range(draw(st.integers(1, max_dances)))]
    couples = [str(10 + i) for i in range(n)]
    marks = {}
    for dance in dances:
        rankings = [draw(st.permutations(range(1, n + 1))) for _ in judges]
        marks[dance] = {c: [rankings[j][i] for j in range(len(judges))] for i, c in enumerate(couples)}
    return judges, dances, marks


def is_valid_ranking(places: list[Fraction]) -> bool:
    """Sorted places: each group of g equal values starting at position p holds p + (g-1)/2."""
    counts = Counter(places)
    position = 1
    for value in sorted(counts):
        g = counts[value]
        if value != position + Fraction(g - 1, 2):
            return False
        position += g
    return position == len(places) + 1


@settings(max_examples=150, deadline=None)
@given(finals())
def test_places_add_up_to_n_n_plus_1_over_2_and_form_a_ranking(final):
    judges, dances, marks = final
    result = place_final(judges, dances, marks)
    n = len(result.places)
    assert sum(result.places.values()) == Fraction(n * (n + 1), 2)
    assert is_valid_ranking(list(result.places.values()))
    for placing in result.dances.values():
        assert set(placing.places) == set(result.places)
        assert sum(placing.places.values()) == Fraction(n * (n + 1), 2)
        assert is_valid_ranking(list(placing.places.values()))


@settings(max_examples=100, deadline=None)
@given(finals(), st.randoms(use_true_random=False))
def test_reordering_the_judges_changes_nothing(final, rnd):
    judges, dances, marks = final
    order = list(range(len(judges)))
    rnd.shuffle(order)
    shuffled = {d: {c: [m[i] for i in order] for c, m in by_couple.items()} for d, by_couple in marks.items()}
    assert place_final([judges[i] for i in order], dances, shuffled).places == place_final(judges, dances, marks).places


@settings(max_examples=100, deadline=None)
@given(finals(), st.randoms(use_true_random=False))
def test_renumbering_the_couples_changes_nothing(final, rnd):
    judges, dances, marks = final
    couples = list(marks[dances[0]])
    numbers = [str(n) for n in rnd.sample(range(100, 999), len(couples))]
    rename = dict(zip(couples, numbers, strict=False))
    renamed = {d: {rename[c]: m for c, m in reversed(list(by_couple.items()))} for d, by_couple in marks.items()}
    before = place_final(judges, dances, marks).places
    after = place_final(judges, dances, renamed).places
    assert after == {rename[c]: p for c, p in before.items()}


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.integers(1, 9), st.integers(1, 10), st.randoms(use_true_random=False))
def test_unanimous_judges_get_their_own_order(n, judges, dances, rnd):
    order = [str(c) for c in rnd.sample(range(1, 500), n)]
    marks = {f"D{d}": {c: [order.index(c) + 1] * judges for c in order} for d in range(dances)}
    result = place_final([f"J{j}" for j in range(judges)], list(marks), marks)
    assert result.places == {c: i + 1 for i, c in enumerate(order)}


@st.composite
def recall_rounds(draw):
    couples = list(range(1, draw(st.integers(2, 40)) + 1))
    crosses = draw(st.integers(1, len(couples)))
    judges = [chr(ord("A") + i) for i in range(draw(st.integers(1, 9)))]
    dances = [f"D{i}" for i in range(draw(st.integers(1, 5)))]
    marks = {d: {j: draw(st.permutations(couples))[:crosses] for j in judges} for d in dances}
    return judges, dances, couples, crosses, marks


@settings(max_examples=150, deadline=None)
@given(recall_rounds(), st.data())
def test_recall_totals_add_up_and_the_cut_is_honest(round_, data):
    judges, dances, couples, crosses, marks = round_
    recall = data.draw(st.integers(1, len(couples)))
    result = count_recall(judges, dances, couples, recall, marks)
    assert sum(result.totals.values()) == len(judges) * len(dances) * crosses
    assert (result.warnings == ()) == (crosses == recall)
    if result.tie_at_cut:
        assert result.recalled is None
        larger = result.cut_options[-1]
        smaller = result.cut_options[0] if len(result.cut_options) == 2 else ()
        assert len(smaller) < recall < len(larger)
        level = {result.totals[c] for c in set(larger) - set(smaller)}
        assert len(level) == 1
    else:
        assert len(result.recalled) == recall
        lowest_in = min(result.totals[c] for c in result.recalled)
        assert all(result.totals[c] < lowest_in for c in couples if c not in result.recalled)
