"""Rules 9-11: combining the places of several dances into the final result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import msgspec

from appliance.scoring.skating import (
    Columns,
    DancePlacing,
    Decision,
    column_key,
    cumulative_columns,
    first_difference,
    majority_of,
    place_dance,
    rank_by_columns,
)
from appliance.scoring.validation import check_final


class Rule10Step(msgspec.Struct, frozen=True):
    """One Rule 10 comparison: for `place`, each couple's (count of places <= place, their sum doubled)."""

    place: int
    standing: dict[Any, tuple[int, int]]
    winners: tuple[Any, ...]


class Rule11Step(msgspec.Struct, frozen=True):
    """One Rule 11 comparison on the pooled marks of the couples still tied for `place`."""

    place: int
    majority: int
    marks: int
    columns: dict[Any, Columns]
    winners: tuple[Any, ...]


class FinalResult(msgspec.Struct, frozen=True):
    """A final: the placing of each dance and, over all dances, places, totals and the working."""

    judges: tuple[str, ...]
    dances: dict[str, DancePlacing]
    totals2: dict[Any, int]
    places2: dict[Any, int]
    decisions: dict[Any, Decision]
    rule10: tuple[Rule10Step, ...] = ()
    rule11: tuple[Rule11Step, ...] = ()

    @property
    def places(self) -> dict[Any, Fraction]:
        return {c: Fraction(p, 2) for c, p in self.places2.items()}


class _Tiebreak:
    """Rules 10 and 11 for the couples of one Rule 9 tie (and the ties nested in it)."""

    def __init__(self, dance_places2: dict[Any, list[int]], pooled: dict[Any, list[int]], n: int):
        self.dance_places2 = dance_places2
        self.pooled = pooled
        self.n = n
        self.decisions: dict[Any, Decision] = {}
        self.rule10_steps: list[Rule10Step] = []
        self.rule11_steps: list[Rule11Step] = []
        self._lost: dict[Any, Decision] = {}

    def rule10(self, tied: list[Any], place: int) -> None:
        """Rule 10: most places at or above the place under review, then their lowest sum; afresh for each place."""
        remaining = list(tied)
        while len(remaining) > 1:
            standing = {}
            for c in remaining:
                better = [p for p in self.dance_places2[c] if p <= 2 * place]
                standing[c] = (len(better), sum(better))
            best = min(standing.values(), key=lambda s: (-s[0], s[1]))
            winners = [c for c in remaining if standing[c] == best]
            self.rule10_steps.append(Rule10Step(place, standing, tuple(winners)))
            remaining = [c for c in remaining if c not in winners]
            for c in remaining:
                self._lost[c] = self._compare10(c, winners[0], standing, place)
            if len(winners) > 1:
                self.rule11(winners, place)
            else:
                runner = min(remaining, key=lambda c: (-standing[c][0], standing[c][1]))
                self._settle(self._compare10(winners[0], runner, standing, place), place)
            place += len(winners)
        if remaining:
            self._settle(self._lost[remaining[0]], place)

    @staticmethod
    def _compare10(couple: Any, other: Any, standing: dict[Any, tuple[int, int]], place: int) -> Decision:
        (count, sum2), (o_count, o_sum2) = standing[couple], standing[other]
        if count != o_count:
            return Decision(couple, 0, 10, place, "count", count, o_count, other)
        return Decision(couple, 0, 10, place, "sum", Fraction(sum2, 2), Fraction(o_sum2, 2), other)

    def rule11(self, tied: list[Any], place: int) -> None:
        """Rule 11: pool every mark of the tied couples, majority of judges x dances, from the place's column."""
        marks = len(self.pooled[tied[0]])
        majority = majority_of(marks)
        columns = {c: cumulative_columns(self.pooled[c], self.n) for c in tied}
        column = place
        while not any(columns[c].counts[column - 1] >= majority for c in tied):
            column += 1  # Rule 8 mechanics: no majority in this column, add the next
        reached = [c for c in tied if columns[c].counts[column - 1] >= majority]
        top = rank_by_columns(reached, columns, column)[0][0]
        self.rule11_steps.append(Rule11Step(place, majority, marks, columns, tuple(top)))
        rest = [c for c in tied if c not in top]
        if len(top) > 1:
            for c in top:
                others = tuple(o for o in top if o != c)
                shared = Decision(c, 2 * place + len(top) - 1, 11, self.n, "identical", shared_with=others)
                self.decisions[c] = shared
        else:
            runner = rank_by_columns(rest, columns, column)[0][0][0]
            self._settle(self._compare11(top[0], runner, columns, column), place)
        for c in rest:
            self._lost[c] = self._compare11(c, top[0], columns, column)
        # Two couples: the other takes the next place; three or more go back to Rule 10 among themselves.
        self.rule10(rest, place + len(top))

    @staticmethod
    def _compare11(couple: Any, other: Any, columns: dict[Any, Columns], column: int) -> Decision:
        mine, theirs = column_key(columns[couple], column), column_key(columns[other], column)
        at, measure, value, o_value = first_difference(mine, theirs, column)
        return Decision(couple, 0, 11, at, measure, value, o_value, other)

    def _settle(self, decision: Decision, place: int) -> None:
        versus_place2 = self.decisions[decision.versus].place2 if decision.versus in self.decisions else 0
        self.decisions[decision.couple] = msgspec.structs.replace(
            decision, place2=2 * place, versus_place2=versus_place2 or 2 * place + 2
        )


def _rule9(totals2: dict[Any, int]) -> list[tuple[list[Any], int]]:
    """Rule 9: couples ordered by their total of dance places; equal totals grouped, with their first place."""
    order = sorted(totals2, key=lambda c: totals2[c])
    groups: list[tuple[list[Any], int]] = []
    place = 1
    for c in order:
        if groups and totals2[groups[-1][0][0]] == totals2[c]:
            groups[-1][0].append(c)
        else:
            groups.append(([c], place))
        place += 1
    return groups


def place_final(
    judges: Sequence[str], dances: Sequence[str], marks: Mapping[str, Mapping[Any, Sequence[int]]]
) -> FinalResult:
    """Rules 2-11: check the marks, place each dance, then combine the dances."""
    check_final(judges, dances, marks)
    placings = {d: place_dance(marks[d]) for d in dances}
    couples = list(marks[dances[0]])
    totals2 = {c: sum(placings[d].places2[c] for d in dances) for c in couples}
    if len(dances) == 1:
        only = placings[dances[0]]
        return FinalResult(tuple(judges), placings, totals2, dict(only.places2), dict(only.decisions))
    breaker = _Tiebreak(
        {c: [placings[d].places2[c] for d in dances] for c in couples},
        {c: [m for d in dances for m in marks[d][c]] for c in couples},
        len(couples),
    )
    groups = _rule9(totals2)
    for i, (group, place) in enumerate(groups):
        if len(group) == 1:
            j = i + 1 if i + 1 < len(groups) else i - 1
            other = groups[j][0][0] if j >= 0 else None
            theirs = Fraction(totals2[other], 2) if other is not None else 0
            breaker.decisions[group[0]] = Decision(
                group[0], 2 * place, 9, 0, "total", Fraction(totals2[group[0]], 2), theirs, other
            )
        else:
            breaker.rule10(group, place)
    places2 = {c: breaker.decisions[c].place2 for c in couples}
    return FinalResult(
        tuple(judges),
        placings,
        totals2,
        places2,
        breaker.decisions,
        tuple(breaker.rule10_steps),
        tuple(breaker.rule11_steps),
    )
