"""Every placing in words a competitor understands, and the tables a scrutineer expects."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from appliance.i18n import Message, _, _n, to_tree
from appliance.scoring.multidance import FinalResult
from appliance.scoring.recall import RecallResult, natural_key
from appliance.scoring.skating import Columns, DancePlacing, Decision


def ordinal_words(n: int) -> Message:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd" (German: "1.", "23.")."""
    last = n % 10
    if 10 <= n % 100 <= 20 or last not in (1, 2, 3):
        return _("{n}th", n=n)
    if last == 1:
        return _("{n}st", n=n)
    return _("{n}nd", n=n) if last == 2 else _("{n}rd", n=n)


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    return str(ordinal_words(n))


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def number(value: Fraction | int) -> int | float:
    """A place or sum as JSON wants it: an integer when whole, else the exact half as a float."""
    value = Fraction(value)
    return int(value) if value.denominator == 1 else float(value)


def number_words(value: Fraction | int) -> int | float | Message:
    """A place or sum to read: 3, or a half as "2.5" (German "2,5")."""
    value = Fraction(value)
    if value.denominator == 2 and value > 0:
        return _("{whole}.5", whole=int(value))
    return number(value)


def half(doubled: int) -> int | float:
    """A doubled place or total back to its value: 5 -> 2.5, 6 -> 3."""
    return number(Fraction(doubled, 2))


def place_words(place2: int, shared: int = 1) -> Message:
    """ "3rd", or for a place shared by `shared` couples "2.5 (2nd-3rd shared)"."""
    if shared <= 1:
        return ordinal_words(place2 // 2)
    first = (place2 - (shared - 1)) // 2
    return _(
        "{place} ({first}-{last} shared)",
        place=number_words(Fraction(place2, 2)),
        first=ordinal_words(first),
        last=ordinal_words(first + shared - 1),
    )


def place_label(place2: int, shared: int = 1) -> str:
    """ "3rd", or for a place shared by `shared` couples "2.5 (2nd-3rd shared)"."""
    return str(place_words(place2, shared))


def column_words(k: int) -> Message:
    return ordinal_words(1) if k == 1 else _("{ordinal} or higher", ordinal=ordinal_words(k))


def column_label(k: int) -> str:
    return str(column_words(k))


def _couples_words(names: tuple[Any, ...]) -> Message:
    listed = ", ".join(str(c) for c in sorted(names, key=natural_key))
    return _n("couple {couples}", "couples {couples}", len(names), couples=listed)


def _couples(names: tuple[Any, ...]) -> str:
    return str(_couples_words(names))


def reason(d: Decision, judges: int = 0) -> str:
    """One sentence: the place, the rule that decided it and the comparison behind it."""
    return str(reason_words(d, judges))


def reason_words(d: Decision, judges: int = 0) -> Message:
    """`reason`, said in the reader's language (appliance/i18n.py)."""
    here = place_words(d.place2, len(d.shared_with) + 1)
    if d.shared_with:
        how = _("equal in every column") if d.rule == 7 else _("still equal on all their pooled marks")
        return _(
            "{here}: Rule {rule}, {how} with {couples}, so the places are shared",
            here=here,
            rule=d.rule,
            how=how,
            couples=_couples_words(d.shared_with),
        )
    if d.rule == 5:
        return _(
            "{here}: Rule 5, placed {column} by {mine} of {judges} judges, a majority",
            here=here,
            column=column_words(d.column),
            mine=d.mine,
            judges=judges,
        )
    if d.rule == 8:
        return _(
            "{here}: Rule 8, no majority for {place}, so the next places were added: "
            "{mine} of {judges} judges placed it {column}",
            here=here,
            place=column_words(d.place2 // 2),
            mine=d.mine,
            judges=judges,
            column=column_words(d.column),
        )
    return _compared(d, _head(d, here), _("couple {bib}", bib=d.versus))


def _head(d: Decision, here: Message) -> Message:
    head = _("{here}, not {other}", here=here, other=ordinal_words(d.versus_place2 // 2)) if d.versus_place2 else here
    if d.rule in (6, 7) and d.majority_column > d.place2 // 2:
        return _(
            "{head} (no majority for {place}: Rule 8 read on to {column})",
            head=head,
            place=column_words(d.place2 // 2),
            column=column_words(d.majority_column),
        )
    return head


def _compared(d: Decision, head: Message, against: Message) -> Message:
    """The reason of a place decided against another couple (Rules 6, 7, 9, 10 and 11)."""
    said = {"head": head, "against": against, "mine": number_words(d.mine), "theirs": number_words(d.theirs)}
    if d.rule == 6:
        return _(
            "{head}: Rule 6, a larger majority for {column}: {mine} judges against {theirs} for {against}",
            column=column_words(d.column),
            **said,
        )
    if d.rule == 7:
        if d.measure == "sum":
            return _(
                "{head}: Rule 7, the same majority for {column} as {against}, "
                "and a sum of those marks of {mine} against {theirs}",
                column=column_words(d.column),
                **said,
            )
        return _(
            "{head}: Rule 7, level with {against} until then, {mine} judges against {theirs} placed it {column}",
            column=column_words(d.column),
            **said,
        )
    if d.rule == 9:
        return _("{head}: Rule 9, a total of {mine} dance places against {theirs} for {against}", **said)
    better = ordinal_words(d.column)
    if d.rule == 10:
        if d.measure == "count":
            dances = _n("{n} dance", "{n} dances", d.mine)
            return _(
                "{head}: Rule 10, placed {better} or better in {dances} against {theirs} for {against}",
                better=better,
                dances=dances,
                **said,
            )
        return _(
            "{head}: Rule 10, placed {better} or better in as many dances as {against}, "
            "and those places add up to {mine} against {theirs}",
            better=better,
            **said,
        )
    if d.measure == "count":
        return _(
            "{head}: Rule 11, all marks of the tied couples pooled: {mine} marks of {better} "
            "or better against {theirs} for {against}",
            better=better,
            **said,
        )
    return _(
        "{head}: Rule 11, all marks pooled, as many marks of {better} or better as {against}, "
        "adding up to {mine} against {theirs}",
        better=better,
        **said,
    )


def reasons(result: FinalResult) -> dict[Any, str]:
    return {c: reason(d, len(result.judges)) for c, d in result.decisions.items()}


def reasons_said(result: FinalResult) -> dict[Any, dict[str, Any]]:
    """`reasons` as Message trees (appliance/i18n.py `to_tree`), stored to be said again in the reader's language."""
    return {c: to_tree(reason_words(d, len(result.judges))) for c, d in result.decisions.items()}


def _cell(col: Columns, k: int) -> str:
    count = col.counts[k - 1]
    if count == 0:
        return "-"
    return str(count) if k == 1 else f"{count}({col.sums[k - 1]})"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


Say = Callable[[Any], str]
"""How a report says its words: `str` (English), or the caller's translation (appliance/i18n.py's `translate`)."""


def _figure(say: Say, value: Fraction | int) -> str:
    """A place or sum in a report's table: "3", "2.5" (German "2,5")."""
    return str(say(number_words(value)))


def dance_table(dance: str, placing: DancePlacing, judges: tuple[str, ...], say: Say = str) -> list[str]:
    """The marks and the cumulative columns ("1", "1-2", ...: count(sum)) of one dance, with places and rules."""
    couples = sorted(placing.marks, key=natural_key)
    n = len(couples)
    columns = ("1" if k == 1 else f"1-{k}" for k in range(1, n + 1))
    header = [say(_("Couple")), *judges, *columns, say(_("Place")), say(_("Rule"))]
    rows = []
    for c in couples:
        d = placing.decisions[c]
        marks = [str(m) for m in placing.marks[c]]
        cols = [_cell(placing.columns[c], k) for k in range(1, n + 1)]
        rows.append([str(c), *marks, *cols, _figure(say, d.place), f"R{d.rule}"])
    title = _(
        "Dance {dance}: {judges} judges, majority {majority}",
        dance=dance,
        judges=len(judges),
        majority=placing.majority,
    )
    return [say(title), *_table(header, rows)]


def final_report(result: FinalResult, say: Say = str) -> str:
    """The scrutineer's report of a final: every dance's table, the totals, Rules 10-11 working, and the reasons."""
    lines: list[str] = []
    for dance, placing in result.dances.items():
        lines += [*dance_table(dance, placing, result.judges, say), ""]
    couples = sorted(result.places2, key=natural_key)
    if len(result.dances) > 1:
        header = [say(_("Couple")), *result.dances, say(_("Total")), say(_("Place")), say(_("Rule"))]
        rows = [
            [
                str(c),
                *(_figure(say, p.places[c]) for p in result.dances.values()),
                _figure(say, Fraction(result.totals2[c], 2)),
                _figure(say, result.places[c]),
                f"R{result.decisions[c].rule}",
            ]
            for c in couples
        ]
        lines += [say(_("Result over all dances (Rule 9: total of dance places)")), *_table(header, rows), ""]
    lines += _rule10_lines(result, say) + _rule11_lines(result, say)
    lines.append(say(_("Placings")))
    order = sorted(couples, key=lambda c: (result.places2[c], natural_key(c)))
    for c in order:
        why = reason_words(result.decisions[c], len(result.judges))
        lines.append("  " + say(_("couple {bib}: {reason}", bib=c, reason=why)))
    return "\n".join(lines) + "\n"


def _rule10_lines(result: FinalResult, say: Say) -> list[str]:
    lines = []
    for step in result.rule10:
        place = ordinal_words(step.place)
        lines.append(say(_("Rule 10 for {place} place (places {place} or better):", place=place)))
        for c, (count, sum2) in step.standing.items():
            said = _(
                "couple {bib}: {dances}, sum {sum}",
                bib=c,
                dances=_n("{n} dance", "{n} dances", count),
                sum=number_words(Fraction(sum2, 2)),
            )
            mark = (
                ("  <- " + say(_("wins") if len(step.winners) == 1 else _("still tied"))) if c in step.winners else ""
            )
            lines.append("  " + say(said) + mark)
    return lines + ([""] if lines else [])


def _rule11_lines(result: FinalResult, say: Say) -> list[str]:
    lines = []
    for step in result.rule11:
        n = len(next(iter(step.columns.values())).counts)
        heading = _(
            "Rule 11 for {place} place: {marks} pooled marks each, majority {majority}",
            place=ordinal_words(step.place),
            marks=step.marks,
            majority=step.majority,
        )
        lines.append(say(heading))
        header = [say(_("Couple")), *(f"1-{k}" for k in range(step.place, n + 1))]
        rows = [[str(c), *(_cell(col, k) for k in range(step.place, n + 1))] for c, col in step.columns.items()]
        lines += ["  " + row for row in _table(header, rows)]
        who = _couples_words(step.winners)
        ending = _("{couples} wins", couples=who) if len(step.winners) == 1 else _("{couples} share", couples=who)
        lines.append("  -> " + say(ending))
    return lines + ([""] if lines else [])


def recall_report(result: RecallResult, judges: int, dances: int, say: Say = str) -> str:
    """The scrutineer's report of a recall round: crosses per couple, the cut, and any slips on the sheets."""
    header = [say(_("Couple")), say(_("Crosses")), say(_("Recalled"))]
    recalled = set(result.recalled or ())
    rows = [[str(c), str(result.totals[c]), say(_("yes")) if c in recalled else ""] for c in result.ranking]
    heading = _(
        "Recall round (Rule 1): {judges}, {dances}, {couples} asked for",
        judges=_n("{n} judge", "{n} judges", judges),
        dances=_n("{n} dance", "{n} dances", dances),
        couples=_n("{n} couple", "{n} couples", result.requested),
    )
    lines = [say(heading), *_table(header, rows), ""]
    if result.tie_at_cut:
        lines.append(
            say(
                _(
                    "Tie at the cut: the {place} place falls inside a group of equal totals. "
                    "The chair of judges chooses:",
                    place=ordinal_words(result.requested),
                )
            )
        )
        for option in result.cut_options:
            listed = ", ".join(str(c) for c in option)
            lines.append("  " + say(_("recall {n}: {couples}", n=len(option), couples=listed)))
    else:
        listed = ", ".join(str(c) for c in result.recalled or ())
        lines.append(say(_("Recalled ({n}): {couples}", n=len(recalled), couples=listed)))
    for warning in result.warnings:
        lines.append(say(_("Warning: {warning}", warning=warning)))
    return "\n".join(lines) + "\n"
