"""Round planning and the heat draw: pure functions (no I/O; the seed is passed in).

Planning policy (documented in README, "Round planning"):
- entries that fit the final (at most `final_size`, 6-8) dance a straight final;
- otherwise every round recalls about half, on a ladder that ends in the final:
  final_size, 2 x final_size (the semi-final, 12 for a final of 6), 4 x final_size, ...
  Each recall round recalls the ladder size nearest to half its couples (the larger one on a
  tie), always fewer than it has. 48 couples: 48 -> 24 -> 12 -> 6; 26: 26 -> 12 -> 6; 10: 10 -> 6.
- the chair may replace the plan with their own recall numbers before the event starts.
Heats: a round with more couples than `max_per_heat` is split into the fewest heats that fit,
sizes differing by at most one; couples are drawn at random from a stored seed, so the same seed
gives the same draw; with `redraw_per_dance` each dance has its own draw, otherwise one draw
serves every dance. A final is always one heat.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

import msgspec

from appliance.i18n import _


class PlanError(ValueError):
    """A plan the chair asked for that cannot be danced; the message says why."""


class PlannedRound(msgspec.Struct, frozen=True):
    number: int
    name: str
    kind: str  # "recall" or "final"
    couples: int
    recall: int | None  # how many go through to the next round; None for the final


def round_names(count: int) -> list[str]:
    """1st round, 2nd round, ..., Quarter-final, Semi-final, Final (the first round keeps its number)."""
    names = []
    for i in range(count):
        from_end = count - 1 - i
        if from_end == 0:
            names.append("Final")
        elif from_end == 1 and i > 0:
            names.append("Semi-final")
        elif from_end == 2 and i > 0:
            names.append("Quarter-final")
        else:
            names.append(f"{_ordinal(i + 1)} round")
    return names


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _next_size(couples: int, final_size: int) -> int:
    ladder = [final_size]
    while ladder[-1] * 2 < couples:
        ladder.append(ladder[-1] * 2)
    candidates = [s for s in ladder if s < couples]
    half = couples / 2
    return min(candidates, key=lambda s: (abs(s - half), -s))


def plan_rounds(entries: int, final_size: int) -> list[PlannedRound]:
    """The default plan for an event with `entries` couples and a final of `final_size`."""
    if entries < 1:
        return []
    sizes = [entries]
    while sizes[-1] > final_size:
        sizes.append(_next_size(sizes[-1], final_size))
    return _rounds(sizes, sizes[1:])


def plan_from_recalls(
    entries: int, recalls: Sequence[int], joining: Mapping[int, int] | None = None
) -> list[PlannedRound]:
    """The chair's plan: how many each round recalls, ending with the size of the final. `joining`: round number
    -> couples who join that round besides the recalled ones (star couples, a redance's recalled couples), so a
    round dances N recalled + S joining."""
    sizes = [entries]
    for number, recall in enumerate(recalls, start=2):
        if not 1 <= recall < sizes[-1]:
            raise PlanError(
                _(
                    "a round of {couples} couples cannot recall {recall}; recall fewer than dance it",
                    couples=sizes[-1],
                    recall=recall,
                )
            )
        sizes.append(recall + (joining or {}).get(number, 0))
    if sizes[-1] > 8:
        raise PlanError(_("a final of {couples} couples is too large; a final has at most 8", couples=sizes[-1]))
    beyond = sorted(n for n, count in (joining or {}).items() if count and not 2 <= n <= len(sizes))
    if beyond:
        raise PlanError(
            _("couples are seeded into round {round}, but the plan has {n} rounds", round=beyond[0], n=len(sizes))
        )
    return _rounds(sizes, list(recalls))


def with_joining(planned: list[PlannedRound], joining: Mapping[int, int]) -> list[PlannedRound]:
    """The same plan (its round 1 and recall numbers) with couples joining later rounds (PlanError if it no
    longer fits: a round recalling as many as dance it, a final of more than 8)."""
    if not planned or not joining:
        return planned
    return plan_from_recalls(planned[0].couples, [p.recall for p in planned if p.recall is not None], joining)


def _rounds(sizes: list[int], recalls: list[int]) -> list[PlannedRound]:
    names = round_names(len(sizes))
    return [
        PlannedRound(
            i + 1,
            names[i],
            "final" if i == len(sizes) - 1 else "recall",
            size,
            recalls[i] if i < len(recalls) else None,
        )
        for i, size in enumerate(sizes)
    ]


def heat_sizes(couples: int, max_per_heat: int) -> list[int]:
    """The fewest heats that fit the floor, sizes differing by at most one (larger heats first)."""
    if couples == 0:
        return []
    count = math.ceil(couples / max_per_heat)
    base, extra = divmod(couples, count)
    return [base + 1] * extra + [base] * (count - extra)


def draw_heats(
    couples: Sequence[int],
    dances: Sequence[str],
    max_per_heat: int,
    seed: int,
    redraw_per_dance: bool = True,
    final: bool = False,
) -> dict[str, list[list[int]]]:
    """The heats of every dance of a round: {dance: [[couple, ...] per heat]}, reproducible from `seed`."""
    sizes = [len(couples)] if final else heat_sizes(len(couples), max_per_heat)
    ordered = sorted(couples)
    heats: dict[str, list[list[int]]] = {}
    for dance in dances:
        rng = random.Random(f"{seed}:{dance}" if redraw_per_dance else f"{seed}")  # noqa: S311 - a draw that must repeat  # nosec B311
        drawn = list(ordered)
        rng.shuffle(drawn)
        split, start = [], 0
        for size in sizes:
            split.append(sorted(drawn[start : start + size]))
            start += size
        heats[dance] = split
    return heats
