"""The day's schedule with times (issue #10 point 8): each floor's order of rounds with estimated start and end
times (appliance/scoring/schedule.py), re-timed from when rounds really started and finished (the change log's
times), the scrutineer's timing settings per floor and moves of a round, and couples due on two floors at once.

A floor's order: the rounds in its schedule (the running order) first, by position, then the rounds not yet
scheduled (later rounds are scheduled when they are drawn), those furthest from their final first: by default
every final comes at the end of the day. A move writes the floor's whole order into the schedule, so a later
round keeps the place the scrutineer gave it when it is drawn.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import weakref

from appliance.db import changelog
from appliance.db import schedule as db
from appliance.db.store import Store
from appliance.errors import Conflict, Invalid, NotFound
from appliance.i18n import Message, _, _n
from appliance.model.schedule import (
    BreakIn,
    ClashRound,
    FloorSchedule,
    MoveIn,
    Schedule,
    ScheduleClash,
    ScheduledBreak,
    ScheduledRound,
    ScheduleSettings,
    ScheduleSettingsIn,
)
from appliance.planning import heat_sizes
from appliance.scoring import schedule as timing
from appliance.services import Context
from appliance.services.schedule_words import clash_words
from appliance.trust import auth, scope
from appliance.words import round_name, state_word

NOT_STARTED = ("planned", "drawn")
FINISHED = ("computed", "awaiting_chair", "closed", "official")
DEFAULT_START = dt.time(9, 0)


def _aware(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _iso(seconds: int, tz: dt.tzinfo | None) -> str:
    return dt.datetime.fromtimestamp(seconds, tz).isoformat(timespec="seconds")


def _epoch(text: str | None) -> int | None:
    return None if text is None else int(_aware(text).timestamp())


def _settings(conn: sqlite3.Connection, floor: sqlite3.Row) -> tuple[ScheduleSettings, timing.Timing, dt.tzinfo | None]:
    row = db.get_settings(conn, floor["id"])
    if row is None:  # the competition's first day at 09:00 in the box's time zone
        start = dt.datetime.combine(dt.date.fromisoformat(floor["starts_on"]), DEFAULT_START).astimezone()
        shown = ScheduleSettings(start.isoformat(timespec="seconds"), 90, 30, 60, 120, [], False)
    else:
        breaks = [BreakIn(b["before"], b["minutes"], b["label"]) for b in json.loads(row["breaks"])]
        shown = ScheduleSettings(
            row["start"],
            row["dance_seconds"],
            row["heat_change_seconds"],
            row["dance_change_seconds"],
            row["round_change_seconds"],
            breaks,
            True,
        )
    start = _aware(shown.start)
    timed = timing.Timing(
        int(start.timestamp()),
        shown.dance_seconds,
        shown.heat_change_seconds,
        shown.dance_change_seconds,
        shown.round_change_seconds,
        tuple(timing.Break(b.before, b.minutes, b.label) for b in shown.breaks),
    )
    return shown, timed, start.tzinfo


def day_order(conn: sqlite3.Connection, floor_id: int) -> list[sqlite3.Row]:
    """The floor's rounds in order: scheduled ones by position, then the others, finals last."""
    rows = db.floor_rounds(conn, floor_id)
    scheduled = sorted((r for r in rows if r["position"] is not None), key=lambda r: r["position"])
    waiting = sorted(
        (r for r in rows if r["position"] is None),
        key=lambda r: (r["number"] - r["last_number"], r["event_position"], r["number"]),
    )
    return scheduled + waiting


def _size(row: sqlite3.Row, drawn: dict[str, int] | None) -> tuple[int, int]:
    """(dances, heats per dance): as drawn, else estimated from the planned couples and the floor's heat size."""
    if drawn:
        return len(drawn), max(drawn.values())
    dances = len(json.loads(row["dances"]))
    if row["kind"] == "final":
        return dances, 1
    return dances, max(1, len(heat_sizes(row["planned_couples"], row["max_per_heat"])))


class _Floor:
    """One floor's timed order, with what the clash check needs."""

    def __init__(self, conn: sqlite3.Connection, floor: sqlite3.Row, now: int, finished: dict[int, str]):
        self.floor = floor
        self.settings, self.timing, self.tz = _settings(conn, floor)
        self.order = day_order(conn, floor["id"])
        heats = db.heat_counts(conn, floor["id"])
        started = db.started_at(conn, floor["id"])
        self.sizes = {r["round_id"]: _size(r, heats.get(r["round_id"])) for r in self.order}
        slots = [self._slot(r, started, finished) for r in self.order]
        self.timed, self.breaks = timing.estimate(self.timing, slots, now)

    def _slot(self, row: sqlite3.Row, started: dict[int, str], finished: dict[int, str]) -> timing.Slot:
        rid = row["round_id"]
        dances, heats = self.sizes[rid]
        begun = started.get(rid) if row["state"] not in NOT_STARTED else None
        ended = finished.get(rid) if row["state"] in FINISHED else None
        return timing.Slot(rid, dances, heats, _epoch(begun), _epoch(ended))

    def answer(self) -> FloorSchedule:
        rounds = [
            ScheduledRound(
                position,
                row["round_id"],
                row["event_id"],
                row["event_name"],
                row["round_name"],
                row["kind"],
                row["state"],
                *self.sizes[row["round_id"]],
                row["couples"] or row["planned_couples"],
                _iso(t.start, self.tz),
                _iso(t.end, self.tz),
                t.status,
            )
            for position, (row, t) in enumerate(zip(self.order, self.timed, strict=True), start=1)
        ]
        breaks = [ScheduledBreak(b.before, b.label, _iso(b.start, self.tz), _iso(b.end, self.tz)) for b in self.breaks]
        ends = rounds[-1].end if rounds else None
        f = self.floor
        return FloorSchedule(f["id"], f["name"], f["competition_id"], self.settings, rounds, breaks, ends)


def _people(conn: sqlite3.Connection, competition_id: int, floors: list[_Floor]) -> list[timing.Placed]:
    """Each round of the competition's floors with the couples in it (drawn) or who may still reach it."""
    drawn, entered = db.round_people(conn, competition_id), db.event_people(conn, competition_id)
    placed = []
    for f in floors:
        latest: dict[int, dict[int, str]] = {}
        for row in sorted(f.order, key=lambda r: (r["event_id"], r["number"])):
            rid = row["round_id"]
            couples = drawn.get(rid) or latest.get(row["event_id"]) or entered.get(row["event_id"], {})
            latest[row["event_id"]] = couples
            people = {name: bib for bib, identity in couples.items() for name in identity.split("|")}
            t = next(t for t in f.timed if t.round_id == rid)
            placed.append(
                timing.Placed(rid, f.floor["id"], t.start, t.end, t.status == "finished", rid in drawn, people)
            )
    return placed


def _clash_answer(clash: timing.Clash, where: dict[int, tuple[_Floor, int]]) -> ScheduleClash:
    shown = []
    for rid in clash.round_ids:
        f, index = where[rid]
        row, t = f.order[index], f.timed[index]
        shown.append(
            ClashRound(
                rid, f.floor["name"], row["event_name"], row["round_name"], _iso(t.start, f.tz), _iso(t.end, f.tz)
            )
        )
    return ScheduleClash(list(clash.bibs), clash.certain, shown, clash_words(clash, shown))


def _clashes(conn: sqlite3.Connection, floors: list[_Floor]) -> list[ScheduleClash]:
    found: list[ScheduleClash] = []
    for competition_id in sorted({f.floor["competition_id"] for f in floors}):
        mine = [f for f in floors if f.floor["competition_id"] == competition_id]
        where = {row["round_id"]: (f, i) for f in mine for i, row in enumerate(f.order)}
        found += [_clash_answer(c, where) for c in timing.clashes(_people(conn, competition_id, mine))]
    return sorted(found, key=lambda c: not c.certain)  # the certain ones first


def schedule_tx(
    conn: sqlite3.Connection, now: dt.datetime, floor_id: int | None, competition_id: int | None
) -> Schedule:
    """Every floor's timed order (or one floor's, or one competition's) and the couples due on two floors."""
    rows = db.floors(conn, floor_id)
    if floor_id is not None and not rows:
        raise NotFound(_("no floor {floor_id}", floor_id=floor_id), "floor")
    rows = [r for r in rows if competition_id is None or r["competition_id"] == competition_id]
    if competition_id is not None and not rows:
        raise NotFound(
            _("no competition {competition_id} (with that floor)", competition_id=competition_id), "competition"
        )
    competitions = {r["competition_id"] for r in rows}
    at, finished = int(now.timestamp()), db.finished_at(conn)
    floors = [_Floor(conn, f, at, finished) for f in db.floors(conn) if f["competition_id"] in competitions]
    shown = [f for f in floors if floor_id is None or f.floor["id"] == floor_id]
    clashes = _clashes(conn, floors)  # a clash needs every floor of the competition, also when one is asked for
    if floor_id is not None:
        mine = {r["round_id"] for f in shown for r in f.order}
        clashes = [c for c in clashes if any(r.round_id in mine for r in c.rounds)]
    return Schedule(now.isoformat(timespec="seconds"), [f.answer() for f in shown], clashes)


_answers: weakref.WeakKeyDictionary[Store, dict[tuple, tuple[tuple[int, str], Schedule]]] = weakref.WeakKeyDictionary()
CACHED = 64  # answers kept per store: (floor, competition) asked for


async def schedule(ctx: Context, floor_id: int | None = None, competition_id: int | None = None) -> Schedule:
    """The public answer, computed once per change of the log and per minute (phones and screens poll it)."""
    now = ctx.now().replace(second=0, microsecond=0)
    kept = _answers.setdefault(ctx.store, {})

    def read(conn: sqlite3.Connection) -> Schedule:
        key, stamp = (floor_id, competition_id), (changelog.head(conn)[0], now.isoformat())
        found = kept.get(key)
        if found is not None and found[0] == stamp:
            return found[1]
        answer = schedule_tx(conn, now, floor_id, competition_id)
        if len(kept) >= CACHED:
            kept.clear()
        kept[key] = (stamp, answer)
        return answer

    return await ctx.store.read(read)


def _start(text: str) -> str:
    """The floor's start as given, checked: an ISO 8601 date and time with its UTC offset, in 2000-2100."""
    try:
        start = dt.datetime.fromisoformat(text)
    except ValueError:
        message = _("start {text} is not a date and time like 2026-05-02T09:30:00+02:00", text=repr(text))
        raise Invalid(message, "start") from None
    if start.tzinfo is None:
        raise Invalid(_("start needs its UTC offset, e.g. 2026-05-02T09:30:00+02:00 (or Z for UTC)"), "start")
    if not 2000 <= start.year <= 2100:
        raise Invalid(_("start is in {year}: a competition day is between 2000 and 2100", year=start.year), "start")
    return start.isoformat(timespec="seconds")


def _floor_row(conn: sqlite3.Connection, principal: auth.Principal, floor_id: int) -> sqlite3.Row:
    rows = db.floors(conn, floor_id)
    if not rows:
        raise NotFound(_("no floor {floor_id}", floor_id=floor_id), "floor_id")
    scope.check_body_competition(principal.role, principal.competition_id, rows[0]["competition_id"])
    return rows[0]


def _check_breaks(breaks: list[BreakIn], rounds: int) -> None:
    """Refuse a break past the floor's last round (it would never be taken); a floor with no rounds yet (before
    registration closes) takes any: its plan is not known."""
    late = [b.before for b in breaks if b.before > rounds]
    if rounds and late:
        message = _n(
            "breaks: a break before round {before} is past the floor's end: the floor has 1 round",
            "breaks: a break before round {before} is past the floor's end: the floor has {n} rounds",
            rounds,
            before=late[0],
        )
        raise Invalid(message, "breaks")


async def set_settings(ctx: Context, principal: auth.Principal, data: ScheduleSettingsIn) -> Schedule:
    """The scrutineer sets one floor's timing (replacing what was set); logged, and the floor re-timed."""
    start = _start(data.start)
    now = ctx.now()

    def tx(conn: sqlite3.Connection) -> Schedule:
        _floor_row(conn, principal, data.floor_id)
        _check_breaks(data.breaks, len(day_order(conn, data.floor_id)))
        settings = {
            "floor_id": data.floor_id,
            "start": start,
            "dance_seconds": data.dance_seconds,
            "heat_change_seconds": data.heat_change_seconds,
            "dance_change_seconds": data.dance_change_seconds,
            "round_change_seconds": data.round_change_seconds,
            "breaks": [{"before": b.before, "minutes": b.minutes, "label": b.label} for b in data.breaks],
        }
        db.set_settings(conn, data.floor_id, settings)
        ctx.log(conn, "schedule.settings_set", f"floor/{data.floor_id}", settings | {"by": principal.device_id})
        return schedule_tx(conn, now, data.floor_id, None)

    return await ctx.store.write(tx)


def _name(row: sqlite3.Row) -> Message:
    return _("the {round} of {event}", round=round_name(row["round_name"]), event=row["event_name"])


def _check_move(order: list[sqlite3.Row], moving: sqlite3.Row, position: int) -> None:
    """Refuse a move past the floor's end, of a round that has started, before a started one or a needed one."""
    if position > len(order):
        message = _n(
            "position must be from 1 to {n}: the floor has 1 round",
            "position must be from 1 to {n}: the floor has {n} rounds",
            len(order),
        )
        raise Invalid(message, "position")
    if moving["state"] not in NOT_STARTED:
        message = _(
            "{what} has started ({state}): it can no longer move", what=_name(moving), state=state_word(moving["state"])
        )
        raise Conflict(message, "round_id")
    rest = [r for r in order if r["round_id"] != moving["round_id"]]
    begun = [i for i, r in enumerate(rest) if r["state"] not in NOT_STARTED]
    if begun and position - 1 <= begun[-1]:
        message = _(
            "position {position} is before {what}, which has started: the first position still free is {free}",
            position=position,
            what=_name(rest[begun[-1]]),
            free=begun[-1] + 2,
        )
        raise Conflict(message, "position")
    items = [(r["round_id"], r["event_id"], r["number"]) for r in order]
    wrong = timing.depends(items, moving["round_id"], position - 1)
    if wrong is not None:
        by_id = {r["round_id"]: r for r in order}
        needed, dependent = by_id[wrong[0]], by_id[wrong[1]]
        message = _(
            "{what} cannot come before its {round}: it dances the couples that round recalls",
            what=_name(dependent),
            round=round_name(needed["round_name"]),
        )
        raise Conflict(message, "position")


async def move(ctx: Context, principal: auth.Principal, data: MoveIn) -> Schedule:
    """Move a round that has not started to another position of its floor's order; logged (`schedule.moved`)."""
    now = ctx.now()

    def tx(conn: sqlite3.Connection) -> Schedule:
        found = db.floor_of_round(conn, data.round_id)
        if found is None:
            raise NotFound(_("no round {round_id}", round_id=data.round_id), "round_id")
        scope.check_body_competition(principal.role, principal.competition_id, found["competition_id"])
        floor_id = found["floor_id"]
        order = day_order(conn, floor_id)
        moving = next(r for r in order if r["round_id"] == data.round_id)
        _check_move(order, moving, data.position)
        ids = [r["round_id"] for r in order if r["round_id"] != data.round_id]
        ids.insert(data.position - 1, data.round_id)
        if ids != [r["round_id"] for r in order] or any(r["position"] is None for r in order):
            db.rewrite_order(conn, floor_id, ids)
            payload = {"floor_id": floor_id, "round_id": data.round_id, "position": data.position, "order": ids}
            ctx.log(conn, "schedule.moved", f"round/{data.round_id}", payload | {"by": principal.device_id})
        return schedule_tx(conn, now, floor_id, None)

    return await ctx.store.write(tx)
