"""Every placing in words a competitor understands, and the tables a scrutineer expects."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from appliance.scoring.multidance import FinalResult
from appliance.scoring.recall import RecallResult, natural_key
from appliance.scoring.skating import Columns, DancePlacing, Decision


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def number(value: Fraction | int) -> int | float:
    """A place or sum as JSON wants it: an integer when whole, else the exact half as a float."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def half(doubled: int) -> int | float:
    """A doubled place or total back to its value: 5 -> 2.5, 6 -> 3."""
    return number(Fraction(doubled, 2))


def place_label(place2: int, shared: int = 1) -> str:
    """ "3rd", or for a place shared by `shared` couples "2.5 (2nd-3rd shared)"."""
    if shared <= 1:
        return ordinal(place2 // 2)
    first = (place2 - (shared - 1)) // 2
    return f"{number(Fraction(place2, 2))} ({ordinal(first)}-{ordinal(first + shared - 1)} shared)"


def column_label(k: int) -> str:
    return "1st" if k == 1 else f"{ordinal(k)} or higher"


def _couples(names: tuple[Any, ...]) -> str:
    listed = sorted(names, key=natural_key)
    return (
        "couple " + ", ".join(str(c) for c in listed)
        if len(listed) == 1
        else "couples " + ", ".join(str(c) for c in listed)
    )


def reason(d: Decision, judges: int = 0) -> str:
    """One sentence: the place, the rule that decided it and the comparison behind it."""
    here = place_label(d.place2, len(d.shared_with) + 1)
    if d.shared_with:
        how = "equal in every column" if d.rule == 7 else "still equal on all their pooled marks"
        return f"{here}: Rule {d.rule}, {how} with {_couples(d.shared_with)}, so the places are shared"
    against = f"couple {d.versus}"
    head = f"{here}, not {ordinal(d.versus_place2 // 2)}" if d.versus_place2 else here
    if d.rule == 5:
        return f"{here}: Rule 5, placed {column_label(d.column)} by {d.mine} of {judges} judges, a majority"
    if d.rule == 8:
        return (
            f"{here}: Rule 8, no majority for {column_label(d.place2 // 2)}, so the next places were added: "
            f"{d.mine} of {judges} judges placed it {column_label(d.column)}"
        )
    if d.rule in (6, 7) and d.majority_column > d.place2 // 2:
        head += f" (no majority for {column_label(d.place2 // 2)}: Rule 8 read on to {column_label(d.majority_column)})"
    if d.rule == 6:
        return (
            f"{head}: Rule 6, a larger majority for {column_label(d.column)}: "
            f"{d.mine} judges against {d.theirs} for {against}"
        )
    if d.rule == 7:
        if d.measure == "sum":
            return (
                f"{head}: Rule 7, the same majority for {column_label(d.column)} as {against}, "
                f"and a sum of those marks of {d.mine} against {d.theirs}"
            )
        return (
            f"{head}: Rule 7, level with {against} until then, {d.mine} judges against {d.theirs} "
            f"placed it {column_label(d.column)}"
        )
    if d.rule == 9:
        return f"{head}: Rule 9, a total of {number(d.mine)} dance places against {number(d.theirs)} for {against}"
    if d.rule == 10:
        better = f"placed {ordinal(d.column)} or better"
        if d.measure == "count":
            return f"{head}: Rule 10, {better} in {plural(d.mine, 'dance')} against {d.theirs} for {against}"
        return (
            f"{head}: Rule 10, {better} in as many dances as {against}, "
            f"and those places add up to {number(d.mine)} against {number(d.theirs)}"
        )
    if d.measure == "count":
        return (
            f"{head}: Rule 11, all marks of the tied couples pooled: {d.mine} marks of {ordinal(d.column)} "
            f"or better against {d.theirs} for {against}"
        )
    return (
        f"{head}: Rule 11, all marks pooled, as many marks of {ordinal(d.column)} or better as {against}, "
        f"adding up to {d.mine} against {d.theirs}"
    )


def reasons(result: FinalResult) -> dict[Any, str]:
    return {c: reason(d, len(result.judges)) for c, d in result.decisions.items()}


def _cell(col: Columns, k: int) -> str:
    count = col.counts[k - 1]
    if count == 0:
        return "-"
    return str(count) if k == 1 else f"{count}({col.sums[k - 1]})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def dance_table(dance: str, placing: DancePlacing, judges: tuple[str, ...]) -> list[str]:
    """The marks and the cumulative columns ("1", "1-2", ...: count(sum)) of one dance, with places and rules."""
    couples = sorted(placing.marks, key=natural_key)
    n = len(couples)
    header = ["Couple", *judges, *("1" if k == 1 else f"1-{k}" for k in range(1, n + 1)), "Place", "Rule"]
    rows = []
    for c in couples:
        d = placing.decisions[c]
        marks = [str(m) for m in placing.marks[c]]
        cols = [_cell(placing.columns[c], k) for k in range(1, n + 1)]
        rows.append([str(c), *marks, *cols, str(number(d.place)), f"R{d.rule}"])
    title = f"Dance {dance}: {len(judges)} judges, majority {placing.majority}"
    return [title, *_table(header, rows)]


def final_report(result: FinalResult) -> str:
    """The scrutineer's report of a final: every dance's table, the totals, Rules 10-11 working, and the reasons."""
    lines: list[str] = []
    for dance, placing in result.dances.items():
        lines += [*dance_table(dance, placing, result.judges), ""]
    couples = sorted(result.places2, key=natural_key)
    if len(result.dances) > 1:
        header = ["Couple", *result.dances, "Total", "Place", "Rule"]
        rows = [
            [
                str(c),
                *(str(number(p.places[c])) for p in result.dances.values()),
                str(number(Fraction(result.totals2[c], 2))),
                str(number(result.places[c])),
                f"R{result.decisions[c].rule}",
            ]
            for c in couples
        ]
        lines += ["Result over all dances (Rule 9: total of dance places)", *_table(header, rows), ""]
    lines += _rule10_lines(result) + _rule11_lines(result)
    lines.append("Placings")
    order = sorted(couples, key=lambda c: (result.places2[c], natural_key(c)))
    for c in order:
        lines.append(f"  couple {c}: {reason(result.decisions[c], len(result.judges))}")
    return "\n".join(lines) + "\n"


def _rule10_lines(result: FinalResult) -> list[str]:
    lines = []
    for step in result.rule10:
        lines.append(f"Rule 10 for {ordinal(step.place)} place (places {ordinal(step.place)} or better):")
        for c, (count, sum2) in step.standing.items():
            mark = "  <- " + ("wins" if len(step.winners) == 1 else "still tied") if c in step.winners else ""
            lines.append(f"  couple {c}: {plural(count, 'dance')}, sum {number(Fraction(sum2, 2))}{mark}")
    return lines + ([""] if lines else [])


def _rule11_lines(result: FinalResult) -> list[str]:
    lines = []
    for step in result.rule11:
        n = len(next(iter(step.columns.values())).counts)
        lines.append(
            f"Rule 11 for {ordinal(step.place)} place: {step.marks} pooled marks each, majority {step.majority}"
        )
        header = ["Couple", *(f"1-{k}" for k in range(step.place, n + 1))]
        rows = [[str(c), *(_cell(col, k) for k in range(step.place, n + 1))] for c, col in step.columns.items()]
        lines += ["  " + row for row in _table(header, rows)]
        lines.append(f"  -> {_couples(step.winners)} {'wins' if len(step.winners) == 1 else 'share'}")
    return lines + ([""] if lines else [])


def recall_report(result: RecallResult, judges: int, dances: int) -> str:
    """The scrutineer's report of a recall round: crosses per couple, the cut, and any slips on the sheets."""
    header = ["Couple", "Crosses", "Recalled"]
    recalled = set(result.recalled or ())
    rows = [[str(c), str(result.totals[c]), "yes" if c in recalled else ""] for c in result.ranking]
    lines = [
        f"Recall round (Rule 1): {plural(judges, 'judge')}, {plural(dances, 'dance')}, "
        f"{plural(result.requested, 'couple')} asked for",
        *_table(header, rows),
        "",
    ]
    if result.tie_at_cut:
        lines.append(
            f"Tie at the cut: the {ordinal(result.requested)} place falls inside a group of equal "
            "totals. The chair of judges chooses:"
        )
        for option in result.cut_options:
            lines.append(f"  recall {len(option)}: {', '.join(str(c) for c in option)}")
    else:
        lines.append(f"Recalled ({len(recalled)}): {', '.join(str(c) for c in result.recalled or ())}")
    for warning in result.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines) + "\n"
