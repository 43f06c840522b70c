"""Rules 2-4 and the shape of a recall sheet: what the engine refuses to compute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class MarksError(ValueError):
    """Marks the Skating System cannot compute; the message names the judge, dance and couple at fault."""


def _check_names(kind: str, names: Sequence[Any]) -> None:
    if not names:
        raise MarksError(f"no {kind}s given")
    seen = set()
    for name in names:
        if name in seen:
            raise MarksError(f"{kind} {name} is listed twice")
        seen.add(name)


def _check_dance_keys(dances: Sequence[str], marks: Mapping[str, Any]) -> None:
    for dance in marks:
        if dance not in dances:
            raise MarksError(f"marks given for dance {dance}, which is not in the list of dances")
    for dance in dances:
        if dance not in marks:
            raise MarksError(f"dance {dance} has no marks")


def check_final(judges: Sequence[str], dances: Sequence[str], marks: Mapping[str, Mapping[Any, Sequence[int]]]) -> None:
    """Rules 2-4: in every dance each judge places every couple, 1 for the best, exactly once (1..n)."""
    _check_names("judge", judges)
    _check_names("dance", dances)
    _check_dance_keys(dances, marks)
    couples = list(marks[dances[0]])
    if not couples:
        raise MarksError(f"dance {dances[0]} has no couples")
    for dance in dances:
        by_couple = marks[dance]
        for couple in couples:
            if couple not in by_couple:
                raise MarksError(f"couple {couple} has no marks in dance {dance}")
        for couple in by_couple:
            if couple not in marks[dances[0]]:
                raise MarksError(f"couple {couple} is marked in dance {dance} but not in dance {dances[0]}")
        _check_dance(judges, dance, by_couple)


def _check_dance(judges: Sequence[str], dance: str, by_couple: Mapping[Any, Sequence[int]]) -> None:
    n = len(by_couple)
    for couple, places in by_couple.items():
        if len(places) != len(judges):
            raise MarksError(
                f"couple {couple} has {len(places)} marks in dance {dance}, expected {len(judges)} (one per judge)"
            )
    for j, judge in enumerate(judges):
        given: dict[int, Any] = {}
        for couple, places in by_couple.items():
            place = places[j]
            if type(place) is not int or not 1 <= place <= n:
                raise MarksError(
                    f"judge {judge} gave couple {couple} place {place!r} in dance {dance}; places run from 1 to {n}"
                )
            if place in given:
                raise MarksError(
                    f"judge {judge} placed couple {couple} and couple {given[place]} both {place} in dance {dance}"
                )
            given[place] = couple


def check_recall(
    judges: Sequence[str],
    dances: Sequence[str],
    couples: Sequence[Any],
    recall: int,
    marks: Mapping[str, Mapping[str, Sequence[Any]]],
) -> list[str]:
    """Rule 1: every sheet crosses couples of the round, each at most once; returns warnings for wrong counts."""
    _check_names("judge", judges)
    _check_names("dance", dances)
    _check_names("couple", couples)
    if not 1 <= recall <= len(couples):
        raise MarksError(f"recall {recall} is not between 1 and the {len(couples)} couples of the round")
    _check_dance_keys(dances, marks)
    known = set(couples)
    warnings: list[str] = []
    for dance in dances:
        sheets = marks[dance]
        for judge in sheets:
            if judge not in judges:
                raise MarksError(f"dance {dance} has a sheet from judge {judge}, who is not on the panel")
        for judge in judges:
            if judge not in sheets:
                raise MarksError(f"judge {judge} has no sheet for dance {dance}")
            crossed: set[Any] = set()
            for couple in sheets[judge]:
                if couple not in known:
                    raise MarksError(f"judge {judge} crossed couple {couple} in dance {dance}, who is not in the round")
                if couple in crossed:
                    raise MarksError(f"judge {judge} crossed couple {couple} twice in dance {dance}")
                crossed.add(couple)
            if len(crossed) != recall:
                warnings.append(f"judge {judge} crossed {len(crossed)} couples in dance {dance}, not {recall}")
    return warnings
