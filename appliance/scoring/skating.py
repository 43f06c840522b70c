"""Rules 5-8: placing the couples of one dance of a final.

The majority columns are read strictly from left to right: every couple that
reaches a majority in column k is placed (Rules 6 and 7 order them) before any
couple whose majority only appears in column k+1, however far the place
number has run ahead of the column.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import msgspec

Couple = Hashable


class Columns(msgspec.Struct, frozen=True):
    """One couple's cumulative columns: counts[k-1] marks of k or better, summing to sums[k-1]."""

    counts: tuple[int, ...]
    sums: tuple[int, ...]


class Decision(msgspec.Struct, frozen=True):
    """Why one couple got its place: the rule, and the comparison that settled it.

    `place2` is the place doubled (5 means 2.5). `column` is the column read
    (Rules 5-8, 11) or the place under review (Rule 10). `measure` names what
    was compared: "majority" (Rules 5 and 8), "count" or "sum" (Rules 6, 7,
    10, 11), "total" (Rule 9) or "identical" (a shared place). `mine` and
    `theirs` are the values compared against `versus`. In one dance,
    `majority_column` is the column in which the couple's majority was found.
    """

    couple: Any
    place2: int
    rule: int
    column: int = 0
    measure: str = ""
    mine: Any = 0
    theirs: Any = 0
    versus: Any = None
    versus_place2: int = 0
    shared_with: tuple[Any, ...] = ()
    majority_column: int = 0

    @property
    def place(self) -> Fraction:
        return Fraction(self.place2, 2)


class DancePlacing(msgspec.Struct, frozen=True):
    """The placing of one dance: places (doubled), the column tables and the decisions."""

    judges: int
    majority: int
    marks: Mapping[Any, Sequence[int]]
    columns: dict[Any, Columns]
    places2: dict[Any, int]
    decisions: dict[Any, Decision]

    @property
    def places(self) -> dict[Any, Fraction]:
        return {c: Fraction(p, 2) for c, p in self.places2.items()}


def majority_of(judges: int) -> int:
    """Rules 5 and 11: a majority is more than half: floor(J/2) + 1."""
    return judges // 2 + 1


def cumulative_columns(marks: Iterable[int], n: int) -> Columns:
    """The "1", "1-2", ..., "1-n" columns of one couple: how many marks, and their sum."""
    hist = [0] * (n + 2)
    for mark in marks:
        hist[mark] += 1
    counts: list[int] = []
    sums: list[int] = []
    count = total = 0
    for k in range(1, n + 1):
        count += hist[k]
        total += hist[k] * k
        counts.append(count)
        sums.append(total)
    return Columns(tuple(counts), tuple(sums))


def column_key(col: Columns, first_column: int) -> tuple[int, ...]:
    """Rules 6-7: (-count, sum) for each column from `first_column` on, compared left to right."""
    key: list[int] = []
    for j in range(first_column - 1, len(col.counts)):
        key.append(-col.counts[j])
        key.append(col.sums[j])
    return tuple(key)


def rank_by_columns(
    group: Sequence[Any], columns: Mapping[Any, Columns], first_column: int
) -> list[tuple[list[Any], tuple[int, ...]]]:
    """Rules 6-7: order a group by larger majority, then lower sum, then the next column.

    Only the couples of `group` are compared (Rule 7b). Returns runs of couples
    that are equal in every column from `first_column` to the last, best first,
    each with its comparison key.
    """
    keyed = sorted(((column_key(columns[c], first_column), c) for c in group), key=lambda t: t[0])
    runs: list[tuple[list[Any], tuple[int, ...]]] = []
    for key, couple in keyed:
        if runs and runs[-1][1] == key:
            runs[-1][0].append(couple)
        else:
            runs.append(([couple], key))
    return runs


def first_difference(a: tuple[int, ...], b: tuple[int, ...], first_column: int) -> tuple[int, str, int, int]:
    """Where two column keys part: (column, "count" or "sum", value of a, value of b)."""
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            column = first_column + i // 2
            if i % 2 == 0:
                return column, "count", -x, -y
            return column, "sum", x, y
    raise ValueError("keys are equal")


def runs_decisions(
    runs: list[tuple[list[Any], tuple[int, ...]]], first_place: int, first_column: int, rule_for_count: int
) -> list[Decision]:
    """Decisions for ordered runs placed from `first_place`: each run against its neighbour.

    A run is compared with the run just below it (the comparison that gave it
    this place and not the next); the last run with the run just above.
    `rule_for_count` is the rule a count difference stands for (6 in one
    dance, 11 for pooled marks); a sum or later column is Rule 7 (or 11).
    """
    decisions: list[Decision] = []
    place = first_place
    starts = []
    for couples, _key in runs:
        starts.append(place)
        place += len(couples)
    for i, (couples, key) in enumerate(runs):
        place2 = 2 * starts[i] + len(couples) - 1
        if len(couples) > 1:
            for c in couples:
                others = tuple(o for o in couples if o != c)
                decisions.append(
                    Decision(
                        c,
                        place2,
                        7 if rule_for_count == 6 else rule_for_count,
                        len(key) // 2 + first_column - 1,
                        "identical",
                        shared_with=others,
                    )
                )
            continue
        j = i + 1 if i + 1 < len(runs) else i - 1
        other, other_key = runs[j]
        column, measure, mine, theirs = first_difference(key, other_key, first_column)
        rule = rule_for_count if (measure == "count" and column == first_column) or rule_for_count == 11 else 7
        other_place2 = 2 * starts[j] + len(other) - 1
        decisions.append(Decision(couples[0], place2, rule, column, measure, mine, theirs, other[0], other_place2))
    return decisions


def place_dance(marks: Mapping[Any, Sequence[int]]) -> DancePlacing:
    """Rules 5-8: place every couple of one dance from the judges' marks (validated: 1..n each)."""
    n = len(marks)
    judges = len(next(iter(marks.values())))
    majority = majority_of(judges)
    columns = {c: cumulative_columns(m, n) for c, m in marks.items()}
    places2: dict[Any, int] = {}
    decisions: dict[Any, Decision] = {}
    unplaced = list(marks)
    place = column = 1
    while unplaced:
        reached = [c for c in unplaced if columns[c].counts[column - 1] >= majority]
        if not reached:
            column += 1  # Rule 8: no majority here, add the next column
            continue
        if len(reached) == 1:
            c = reached[0]
            rule = 5 if column <= place else 8
            decisions[c] = Decision(
                c, 2 * place, rule, column, "majority", columns[c].counts[column - 1], majority, majority_column=column
            )
        else:
            runs = rank_by_columns(reached, columns, column)
            for d in runs_decisions(runs, place, column, 6):
                decisions[d.couple] = msgspec.structs.replace(d, majority_column=column)
        for c in reached:
            places2[c] = decisions[c].place2
        unplaced = [c for c in unplaced if c not in places2]
        place += len(reached)
        column += 1
    return DancePlacing(judges, majority, marks, columns, places2, decisions)
