"""Places for everyone, at every moment (issue #10 point 2; domain.md "Placings of couples who went out early").

The final's couples take the final's places. A couple out in a recall round ranks below every couple who went
further (the couples recalled from that round, whether or not the later rounds have a result yet), ordered by
its crosses in the round it went out; equal crosses share the place range ("13.-24."). So a couple out in the
1st round has the same place while the semi-final runs as after the final. Pure: no I/O.
"""

from __future__ import annotations

import msgspec


class RoundOutcome(msgspec.Struct, frozen=True):
    """What one computed round says, as stored: a recall round's crosses and recalled couples (None while the
    chair decides a tie at the cut), or a final's places (2.5 for a shared 2nd/3rd) and reasons."""

    name: str
    kind: str
    totals: dict[str, int] | None = None
    recalled: list[int] | None = None
    places: dict[str, float] | None = None
    reasons: dict[str, str] | None = None
    ahead: int | None = (
        None  # placed couples who went further (star couples joined, withdrawn ones left); None: the recalled
    )


class Standing(msgspec.Struct, frozen=True):
    bib: int
    place: float | int | None  # the final's place; None for a couple out in a recall round
    place_from: int
    place_to: int
    round: str
    crosses: int | None = None
    reason: str = ""


def label(place_from: int, place_to: int) -> str:
    """ "7." or "13.-24.": how a place (range) is written."""
    return f"{place_from}." if place_from == place_to else f"{place_from}.-{place_to}."


def _final(outcome: RoundOutcome) -> list[Standing]:
    places = outcome.places or {}
    found = []
    for bib, place in sorted(places.items(), key=lambda kv: (kv[1], int(kv[0]))):
        shared = sum(1 for p in places.values() if p == place)
        low = int(place - (shared - 1) / 2)
        reason = (outcome.reasons or {}).get(bib, "")
        found.append(Standing(int(bib), place, low, low + shared - 1, outcome.name, reason=reason))
    return found


def _out_in(outcome: RoundOutcome) -> list[Standing]:
    """The couples not recalled from a recall round, below all who went further, by their crosses."""
    if outcome.recalled is None or outcome.totals is None:
        return []
    recalled = set(outcome.recalled)
    out = [(int(b), t) for b, t in outcome.totals.items() if int(b) not in recalled]
    position = (len(recalled) if outcome.ahead is None else outcome.ahead) + 1
    found = []
    for crosses in sorted({t for _, t in out}, reverse=True):
        group = sorted(b for b, t in out if t == crosses)
        found += [Standing(b, None, position, position + len(group) - 1, outcome.name, crosses) for b in group]
        position += len(group)
    return found


def standings(rounds: list[RoundOutcome]) -> list[Standing]:
    """Every placed couple of one event, best first, from its computed rounds in round order."""
    found: list[Standing] = []
    for outcome in reversed(rounds):
        found += _final(outcome) if outcome.kind == "final" else _out_in(outcome)
    return found
