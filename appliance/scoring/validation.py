"""Rules 2-4 and the shape of a recall sheet: what the engine refuses to compute."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from appliance.i18n import N_, _


class MarksError(ValueError):
    """Marks the Skating System cannot compute; the message names the judge, dance and couple at fault."""


NONE_GIVEN = {"judge": N_("no judges given"), "dance": N_("no dances given"), "couple": N_("no couples given")}
TWICE = {
    "judge": N_("judge {name} is listed twice"),
    "dance": N_("dance {name} is listed twice"),
    "couple": N_("couple {name} is listed twice"),
}


def _check_names(kind: str, names: Sequence[Any]) -> None:
    if not names:
        raise MarksError(_(NONE_GIVEN[kind]))
    seen = set()
    for name in names:
        if name in seen:
            raise MarksError(_(TWICE[kind], name=name))
        seen.add(name)


def _check_dance_keys(dances: Sequence[str], marks: Mapping[str, Any]) -> None:
    for dance in marks:
        if dance not in dances:
            raise MarksError(_("marks given for dance {dance}, which is not in the list of dances", dance=dance))
    for dance in dances:
        if dance not in marks:
            raise MarksError(_("dance {dance} has no marks", dance=dance))


def check_final(judges: Sequence[str], dances: Sequence[str], marks: Mapping[str, Mapping[Any, Sequence[int]]]) -> None:
    """Rules 2-4: in every dance each judge places every couple, 1 for the best, exactly once (1..n)."""
    _check_names("judge", judges)
    _check_names("dance", dances)
    _check_dance_keys(dances, marks)
    couples = list(marks[dances[0]])
    if not couples:
        raise MarksError(_("dance {dance} has no couples", dance=dances[0]))
    for dance in dances:
        by_couple = marks[dance]
        for couple in couples:
            if couple not in by_couple:
                raise MarksError(_("couple {couple} has no marks in dance {dance}", couple=couple, dance=dance))
        for couple in by_couple:
            if couple not in marks[dances[0]]:
                raise MarksError(
                    _(
                        "couple {couple} is marked in dance {dance} but not in dance {first}",
                        couple=couple,
                        dance=dance,
                        first=dances[0],
                    )
                )
        _check_dance(judges, dance, by_couple)


def _check_dance(judges: Sequence[str], dance: str, by_couple: Mapping[Any, Sequence[int]]) -> None:
    n = len(by_couple)
    for couple, places in by_couple.items():
        if len(places) != len(judges):
            raise MarksError(
                _(
                    "couple {couple} has {count} marks in dance {dance}, expected {judges} (one per judge)",
                    couple=couple,
                    count=len(places),
                    dance=dance,
                    judges=len(judges),
                )
            )
    for j, judge in enumerate(judges):
        given: dict[int, Any] = {}
        for couple, places in by_couple.items():
            place = places[j]
            if type(place) is not int or not 1 <= place <= n:
                raise MarksError(
                    _(
                        "judge {judge} gave couple {couple} place {place} in dance {dance}; places run from 1 to {n}",
                        judge=judge,
                        couple=couple,
                        place=repr(place),
                        dance=dance,
                        n=n,
                    )
                )
            if place in given:
                raise MarksError(
                    _(
                        "judge {judge} placed couple {couple} and couple {other} both {place} in dance {dance}",
                        judge=judge,
                        couple=couple,
                        other=given[place],
                        place=place,
                        dance=dance,
                    )
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
        raise MarksError(
            _(
                "recall {recall} is not between 1 and the {count} couples of the round",
                recall=recall,
                count=len(couples),
            )
        )
    _check_dance_keys(dances, marks)
    known = set(couples)
    warnings: list[str] = []
    for dance in dances:
        sheets = marks[dance]
        for judge in sheets:
            if judge not in judges:
                raise MarksError(
                    _("dance {dance} has a sheet from judge {judge}, who is not on the panel", dance=dance, judge=judge)
                )
        for judge in judges:
            if judge not in sheets:
                raise MarksError(_("judge {judge} has no sheet for dance {dance}", judge=judge, dance=dance))
            crossed: set[Any] = set()
            for couple in sheets[judge]:
                if couple not in known:
                    raise MarksError(
                        _(
                            "judge {judge} crossed couple {couple} in dance {dance}, who is not in the round",
                            judge=judge,
                            couple=couple,
                            dance=dance,
                        )
                    )
                if couple in crossed:
                    raise MarksError(
                        _(
                            "judge {judge} crossed couple {couple} twice in dance {dance}",
                            judge=judge,
                            couple=couple,
                            dance=dance,
                        )
                    )
                crossed.add(couple)
            if len(crossed) != recall:
                warnings.append(
                    _(
                        "judge {judge} crossed {count} couples in dance {dance}, not {recall}",
                        judge=judge,
                        count=len(crossed),
                        dance=dance,
                        recall=recall,
                    )
                )
    return warnings
