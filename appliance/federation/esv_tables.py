"""The ESV's mark arrays and calculation tables, pure: built from a round's marks and the Skating result.

Shapes (docs: formats.md 1.8-1.9, the DTV's interface description):
- recall round (`K`): per couple `[judge_1, ..., judge_J, total]`, judge_j = `[cross per dance..., sum_j]`;
- final (`P`): per couple, per dance `[mark of each judge..., place in the dance, running total of places]`;
- `endrundentabellen`: per dance, per couple, per column "1".."1-n" a cell `{anzahl, summe}` up to the column
  where the couple got its place (`summe` only where sums were compared, Rule 7), `null` after it;
- `skatingtabellen`: `{regel10, regel11}`, per couple `[[cell per column...], place decided by that rule]`,
  cells only in the columns examined for that couple (all `null` for a couple in no tie).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from appliance.scoring.multidance import FinalResult
from appliance.scoring.skating import DancePlacing

Marks = Mapping[str, Mapping[str, object]]  # dance -> judge letter -> the sheet's marks (bibs crossed, or places)


def number(value: Fraction | float | int) -> int | float:
    """A place or total as JSON wants it: 2 stays 2, a shared 2.5 stays 2.5."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def recall_wertung(wr: Sequence[str], panel: Sequence[str], dances: Sequence[str], marks: Marks, bib: int) -> list:
    """`[[cross per dance..., sum] per judge in wr order, total]`; a judge not on this round's panel: nulls."""
    judges: list[list] = []
    total = 0
    for letter in wr:
        if letter not in panel:
            judges.append([None] * (len(dances) + 1))
            continue
        crosses = [1 if bib in marks[d][letter] else 0 for d in dances]  # type: ignore[operator]
        judges.append([*crosses, sum(crosses)])
        total += sum(crosses)
    return [*judges, total]


def final_wertung(wr: Sequence[str], dances: Sequence[str], marks: Marks, final: FinalResult, bib: int) -> list:
    """Per dance `[each judge's place..., place in the dance, running total]`."""
    key, running, shape = str(bib), Fraction(0), []
    for d in dances:
        place = final.dances[d].places[key]
        running += place
        shape.append([*(marks[d][j][key] for j in wr), number(place), number(running)])  # type: ignore[index]
    return shape


def _dance_cells(placing: DancePlacing, couple: str, n: int) -> list:
    decision = placing.decisions[couple]
    columns = placing.columns[couple]
    first = decision.majority_column or decision.column
    last = max(first, decision.column) if decision.rule in (6, 7) else first
    with_sums = decision.rule == 7
    cells: list = []
    for k in range(1, n + 1):
        if k > last:
            cells.append(None)
            continue
        summe = columns.sums[k - 1] if with_sums and k >= first else None
        cells.append({"anzahl": columns.counts[k - 1], "summe": summe})
    return cells


def endrunden_table(final: FinalResult, dances: Sequence[str], couples: Sequence[int]) -> list:
    """The Rules 5-8 table of a final: per dance, per couple (in `starter` order), per column."""
    n = len(couples)
    return [[_dance_cells(final.dances[d], str(b), n) for b in couples] for d in dances]


def _decided_by(final: FinalResult, couple: str, rule: int) -> int | float | None:
    decision = final.decisions[couple]
    return number(decision.place) if decision.rule == rule else None


def _integral(value2: int) -> int | None:
    """A doubled sum as the schema's integer `summe`, or None when it is a half (the schema has no room for it)."""
    return value2 // 2 if value2 % 2 == 0 else None


def _rule10_rows(final: FinalResult, couples: Sequence[int], n: int) -> list:
    cells: dict[str, list] = {str(b): [None] * n for b in couples}
    for step in final.rule10:
        best = max(count for count, _ in step.standing.values())
        compared_sums = sum(1 for count, _ in step.standing.values() if count == best) > 1
        for couple, (count, sum2) in step.standing.items():
            summe = _integral(sum2) if compared_sums and count == best else None
            cells[couple][step.place - 1] = {"anzahl": count, "summe": summe}
    return [[cells[str(b)], _decided_by(final, str(b), 10)] for b in couples]


def _rule11_rows(final: FinalResult, couples: Sequence[int], n: int) -> list | None:
    if not final.rule11:
        return None
    cells: dict[str, list] = {str(b): [None] * n for b in couples}
    for step in final.rule11:
        reached = next(
            k for k in range(step.place, n + 1) if any(c.counts[k - 1] >= step.majority for c in step.columns.values())
        )
        for couple, columns in step.columns.items():
            decision = final.decisions[couple]
            last = max(reached, decision.column) if decision.rule == 11 and decision.column <= n else reached
            for k in range(step.place, last + 1):
                ties = sum(1 for c in step.columns.values() if c.counts[k - 1] == columns.counts[k - 1])
                summe = columns.sums[k - 1] if ties > 1 and columns.counts[k - 1] >= step.majority else None
                cells[couple][k - 1] = {"anzahl": columns.counts[k - 1], "summe": summe}
    return [[cells[str(b)], _decided_by(final, str(b), 11)] for b in couples]


def skating_table(final: FinalResult, couples: Sequence[int]) -> dict:
    """Rules 10 and 11 of a final: `{regel10, regel11}` (regel11 null when Rule 11 was not needed)."""
    n = len(couples)
    return {"regel10": _rule10_rows(final, couples, n), "regel11": _rule11_rows(final, couples, n)}
