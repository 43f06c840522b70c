"""Rule 1: recall rounds, counted in crosses over all judges and dances."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

from appliance.scoring.validation import check_recall


class RecallResult(msgspec.Struct, frozen=True):
    """The crosses of a recall round and who goes through.

    `recalled` is None when the requested number falls inside a group of equal
    totals (`tie_at_cut`); the chair then picks one of `cut_options`.
    """

    requested: int
    totals: dict[Any, int]
    ranking: tuple[Any, ...]
    recalled: tuple[Any, ...] | None
    tie_at_cut: bool
    cut_options: tuple[tuple[Any, ...], ...]
    warnings: tuple[str, ...] = ()


def natural_key(couple: Any) -> tuple[int, Any]:
    """Order couple numbers as numbers, whether given as int or as digits in a string."""
    if isinstance(couple, int):
        return (0, couple)
    text = str(couple)
    return (0, int(text)) if text.isdigit() else (1, text)


def count_recall(
    judges: Sequence[str],
    dances: Sequence[str],
    couples: Sequence[Any],
    recall: int,
    marks: Mapping[str, Mapping[str, Sequence[Any]]],
) -> RecallResult:
    """Rule 1: total crosses per couple; recall the `recall` highest, or report a tie at the cut."""
    warnings = check_recall(judges, dances, couples, recall, marks)
    totals = dict.fromkeys(couples, 0)
    for dance in dances:
        for judge in judges:
            for couple in marks[dance][judge]:
                totals[couple] += 1
    ranking = tuple(sorted(couples, key=lambda c: (-totals[c], natural_key(c))))
    if recall == len(couples) or totals[ranking[recall - 1]] != totals[ranking[recall]]:
        recalled = tuple(sorted(ranking[:recall], key=natural_key))
        return RecallResult(recall, totals, ranking, recalled, False, (), tuple(warnings))
    level = totals[ranking[recall - 1]]
    above = tuple(sorted((c for c in couples if totals[c] > level), key=natural_key))
    with_tied = tuple(sorted((c for c in couples if totals[c] >= level), key=natural_key))
    options = tuple(o for o in (above, with_tied) if o)
    return RecallResult(recall, totals, ranking, None, True, options, tuple(warnings))
