"""The day's schedule with times (issue #10 point 8), pure: times are whole seconds (epoch), no clock is read.

A round's estimated length, from the settings the scrutineer sets per floor:

    length = dances x heats x (dance + heat change-over) + (dances - 1) x dance change-over

(every heat of every dance is the dance's music plus one change-over, the couples leaving and the next heat
coming on; between two dances one more pause). Between two rounds of a floor: the round change-over; a break
set before a position in the floor's order adds its minutes there.

Re-timed live: a round that has finished (its result computed) ends when it did, a round on the floor started
when it did and ends at its start plus its length, or now if it runs over; every following round starts after
the one before it (and its change-over), and never before now; a round the floor has moved on from before its
result was computed ("danced") ended when the next one started, less the change-over. So a round that finishes
early pulls the following rounds forward, one that finishes late pushes them back. A round to come never starts
before the round on the floor ends, wherever that stands in the order (the floor may dance a round placed after one
that was moved up but not drawn in time), nor before a round to come earlier in the order ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import msgspec


class Break(msgspec.Struct, frozen=True):
    before: int  # the break comes before the round at this position of the floor's order (1 = the first)
    minutes: int
    label: str = "Break"


class Timing(msgspec.Struct, frozen=True):
    """One floor's settings: its start (epoch seconds), the dance and change-over lengths, its breaks."""

    start: int
    dance_seconds: int = 90
    heat_change_seconds: int = 30
    dance_change_seconds: int = 60
    round_change_seconds: int = 120
    breaks: tuple[Break, ...] = ()


class Slot(msgspec.Struct, frozen=True):
    """One round in a floor's order: its size, and when it really started / finished (None: not yet)."""

    round_id: int
    dances: int
    heats: int
    started: int | None = None
    finished: int | None = None


class Timed(msgspec.Struct, frozen=True):
    round_id: int
    start: int
    end: int
    status: str  # "finished", "on the floor", "danced" (the floor has moved on; its result is awaited), "to come"


class TimedBreak(msgspec.Struct, frozen=True):
    before: int
    label: str
    start: int
    end: int


def round_seconds(timing: Timing, dances: int, heats: int) -> int:
    """The estimated length of a round of `dances` dances in `heats` heats each (the formula above)."""
    if dances <= 0 or heats <= 0:
        return 0
    per_heat = timing.dance_seconds + timing.heat_change_seconds
    return dances * heats * per_heat + (dances - 1) * timing.dance_change_seconds


def _timed(timing: Timing, slot: Slot, cursor: int, now: int, moved_on: int | None) -> Timed:
    length = round_seconds(timing, slot.dances, slot.heats)
    if slot.finished is not None:
        start = slot.started if slot.started is not None else min(cursor, slot.finished)
        return Timed(slot.round_id, start, slot.finished, "finished")
    if slot.started is not None and moved_on is not None:  # a later round has started: this one was danced
        return Timed(slot.round_id, slot.started, max(slot.started, moved_on - timing.round_change_seconds), "danced")
    if slot.started is not None:
        return Timed(slot.round_id, slot.started, max(slot.started + length, now), "on the floor")
    start = max(cursor, now)
    return Timed(slot.round_id, start, start + length, "to come")


def _on_the_floor_until(timing: Timing, slots: list[Slot], later: list[int | None], now: int) -> int | None:
    """When the round on the floor will end, wherever it stands in the order: a round to come starts after it, and
    after every round to come before it. (The floor may dance a round placed after one that cannot start yet: a
    round moved up the order that was not drawn in time.)"""
    ends = [
        max(s.started + round_seconds(timing, s.dances, s.heats), now)
        for s, moved_on in zip(slots, later, strict=True)
        if s.started is not None and s.finished is None and moved_on is None
    ]
    return max(ends, default=None)


def estimate(timing: Timing, slots: Iterable[Slot], now: int) -> tuple[list[Timed], list[TimedBreak]]:
    """Each round's start and end in the floor's order, and the breaks between them, re-timed from `now`."""
    timed: list[Timed] = []
    breaks: list[TimedBreak] = []
    cursor = timing.start
    slots = list(slots)
    later = [min((s.started for s in slots[i + 1 :] if s.started is not None), default=None) for i in range(len(slots))]
    busy = _on_the_floor_until(timing, slots, later, now)
    for position, slot in enumerate(slots, start=1):
        if timed:
            cursor += timing.round_change_seconds
        if busy is not None and slot.started is None and slot.finished is None:
            cursor = max(cursor, busy + timing.round_change_seconds)
        for pause in (b for b in timing.breaks if b.before == position):
            begins = cursor if slot.started is not None else max(cursor, now)
            breaks.append(TimedBreak(position, pause.label, begins, begins + pause.minutes * 60))
            cursor = begins + pause.minutes * 60
        made = _timed(timing, slot, cursor, now, later[position - 1])
        timed.append(made)
        cursor = made.end
        if made.status in ("to come", "on the floor"):
            busy = made.end if busy is None else max(busy, made.end)
    return timed, breaks


class Placed(msgspec.Struct, frozen=True):
    """A timed round of one floor with the people who are (or may be) in it: person key -> bib."""

    round_id: int
    floor_id: int
    start: int
    end: int
    finished: bool
    drawn: bool  # its couples are drawn (else: the couples who may still reach it)
    people: dict[str, int]


class Clash(msgspec.Struct, frozen=True):
    """A person (of a couple, by bib) in two rounds on different floors whose times overlap."""

    bibs: tuple[int, ...]
    round_ids: tuple[int, int]
    certain: bool  # both rounds are drawn: not only a couple that may reach a later round


def clashes(rounds: list[Placed]) -> list[Clash]:
    """Every pair of overlapping rounds on different floors that share a person, once per pair of bibs."""
    found: dict[tuple[tuple[int, ...], tuple[int, int]], Clash] = {}
    for a, b in itertools.combinations(rounds, 2):
        if a.floor_id == b.floor_id or (a.finished and b.finished):
            continue
        if not (a.start < b.end and b.start < a.end):
            continue
        for person in sorted(a.people.keys() & b.people.keys()):
            bibs = tuple(sorted({a.people[person], b.people[person]}))
            pair = (min(a.round_id, b.round_id), max(a.round_id, b.round_id))
            found.setdefault((bibs, pair), Clash(bibs, pair, a.drawn and b.drawn))
    return sorted(found.values(), key=lambda c: (c.round_ids, c.bibs))


def depends(order: list[tuple[int, int, int]], moving: int, to: int) -> tuple[int, int] | None:
    """Moving round `moving` to index `to` of `order` ((round_id, event_id, number) items): the first pair
    (earlier, later) of one event that would then be out of order (a later round before an earlier one), or None."""
    item = next(i for i in order if i[0] == moving)
    rest = [i for i in order if i[0] != moving]
    moved = [*rest[:to], item, *rest[to:]]
    for index, (rid, event, number) in enumerate(moved):
        for other, other_event, other_number in moved[index + 1 :]:
            if other_event == event and other_number < number and item[0] in (rid, other):
                return other, rid
    return None
