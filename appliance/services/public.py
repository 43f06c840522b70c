"""The public state: what the hall's screen and the audience's phones may see, in one snapshot.

Couples are shown with their names and clubs (issue #12 point 3); a couple withdrawn mid-event or disqualified
is labelled so in plain words ("withdrawn", "DQ"), never silently ranked (issue #10 points 3 and 4).
"""

from __future__ import annotations

import json
import sqlite3

import msgspec

from appliance.db import changelog
from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.errors import NotFound
from appliance.i18n import SOURCE, _, translate
from appliance.scoring.standings import RoundOutcome, Standing, label, standings
from appliance.services import absences, running_order
from appliance.services.joining_log import JoiningLog
from appliance.services.results import outcomes, round_result, said_reasons
from appliance.words import round_name

SHOWN = ("running", "computed", "awaiting_chair", "closed", "official")
Absent = tuple[str, str, str]  # ("withdrawn" or "DQ", the round it happened in, the reason)
NO_NAMES = {"leader": "", "follower": "", "club": ""}  # a couple the reader was given no names of


def public_state(conn: sqlite3.Connection, floor: int | None = None, language: str = SOURCE) -> dict:
    """Floors (now, next), rounds being judged (how many judges sent each dance), results so far, every placed
    couple's place (or "withdrawn", "DQ"), and the couples of each event by bib (names, club). The few sentences
    (a final's reasons, why a couple is absent) in `language`: English, as stored, for the stream's shared frame."""
    seq, _ = changelog.head(conn)
    floors, rounds, results, placed, couples = [], [], [], [], {}
    for competition in comp_db.list_competitions(conn):
        for f in competition.floors:
            if floor is None or f.id == floor:
                floors.append(msgspec.to_builtins(running_order.status_tx(conn, f.id)))
        names = _names_by_event(conn, competition.id)
        for event in comp_db.list_events(conn, competition.id):
            if floor is not None and event.floor_id != floor:
                continue
            shown = names.get(event.id, {})
            couples[str(event.id)] = {str(b): c for b, c in shown.items()}
            placings = standings(outcomes(conn, event.id))
            absent = _absent(conn, event.id)
            if placings or absent:
                places = public_places(placings, absent, shown, language)
                placed.append({"event_id": event.id, "event": event.name, "places": places})
            for row in rounds_db.rounds_of(conn, event.id):
                if row["state"] in SHOWN:
                    rounds.append(_judging(conn, row, event))
                    if marks_db.get_result(conn, row["id"]) is not None:
                        results.append(_result(conn, row["id"], language))
    return {
        "seq": seq,
        "floors": floors,
        "rounds": rounds,
        "results": results,
        "standings": placed,
        "couples": couples,
    }


def floor_state(conn: sqlite3.Connection, floor: int | None, language: str = SOURCE) -> dict:
    """public_state for /api/live/state: a floor that does not exist is 404, as the stream answers it."""
    if floor is not None and rounds_db.get_floor(conn, floor) is None:
        raise NotFound(_("no floor {floor_id}", floor_id=floor), "floor")
    return public_state(conn, floor, language)


def _names_by_event(conn: sqlite3.Connection, competition_id: int) -> dict[int, dict[int, dict]]:
    """event id -> bib -> the couple's public details (names and club: what a start list shows)."""
    found: dict[int, dict[int, dict]] = {}
    for entry in reg_db.list_entries(conn, competition_id):
        if entry.couple.bib is not None:
            found.setdefault(entry.event_id, {})[entry.couple.bib] = _couple(msgspec.to_builtins(entry.couple))
    return found


def _couple(couple: dict) -> dict:
    return {"leader": couple["leader"], "follower": couple["follower"], "club": couple.get("club") or ""}


def _absent(conn: sqlite3.Connection, event_id: int) -> dict[int, Absent]:
    withdrawn, dq = absences.of_event(conn, event_id)
    found: dict[int, Absent] = {}
    for what, outcomes_ in (("withdrawn", withdrawn), ("DQ", dq)):
        for bib, outcome in outcomes_.items():
            row = rounds_db.get_round(conn, outcome["round_id"]) if outcome["round_id"] is not None else None
            found[bib] = (what, row["name"] if row is not None else "", outcome["reason"])
    return found


def _judging(conn: sqlite3.Connection, row: sqlite3.Row, event) -> dict:
    judges = len(marks_db.round_panel(conn, row["id"]))
    sent: dict[str, int] = {}
    for sheet in marks_db.sheets_of(conn, row["id"]):
        sent[sheet["dance"]] = sent.get(sheet["dance"], 0) + 1
    return {
        "round_id": row["id"],
        "event_id": event.id,
        "event": event.name,
        "round": row["name"],
        "kind": row["kind"],
        "state": row["state"],
        "judges": judges,
        "sent": {d: sent.get(d, 0) for d in event.dances},
    }


def _result(conn: sqlite3.Connection, round_id: int, language: str = SOURCE) -> dict:
    r = round_result(conn, round_id)
    stored = marks_db.get_result(conn, round_id) if language != SOURCE else None
    return {
        "round_id": r.round_id,
        "event_id": r.event_id,
        "event": r.event,
        "round": r.round,
        "kind": r.kind,
        "official": r.official,
        "recalled": r.recalled,
        "tie_at_cut": r.tie_at_cut,
        "places": r.places,
        "dances": r.dances,
        "reasons": said_reasons(json.loads(stored["result"]), language) if stored is not None else r.reasons,
        "withdrawn": r.withdrawn,
        "disqualified": r.disqualified,
    }


def public_places(
    placings: list[Standing], absent: dict[int, Absent], couples: dict[int, dict], language: str = SOURCE
) -> list[dict]:
    """Every placed couple of an event, best first, with its names and club; a withdrawn couple keeps the place
    a final gave it but is labelled "withdrawn", a disqualified one leaves the places ("DQ"); the withdrawn
    couples no round placed and the disqualified ones follow, each with its reason (said in `language`)."""
    found = []
    for s in placings:
        what = absent.get(s.bib, ("", "", ""))
        if what[0] != "DQ":
            shown = label(s.place_from, s.place_to)
            found.append(
                _place(s.bib, couples, s.place, s.place_from, s.place_to, what[0] or shown, s.round, s.crosses)
            )
            found[-1] |= {"status": "withdrawn" if what[0] else "", "why": _why(what, language)}
    placed = {p["bib"] for p in found}
    for bib, what in sorted(absent.items(), key=lambda kv: (kv[1][0] == "DQ", kv[0])):
        if bib not in placed:
            found.append(_place(bib, couples, None, 0, 0, what[0], what[1], None))
            found[-1] |= {"status": "disqualified" if what[0] == "DQ" else "withdrawn", "why": _why(what, language)}
    return found


def _place(bib: int, couples: dict[int, dict], *shown: object) -> dict:
    keys = ("place", "place_from", "place_to", "label", "round", "crosses")
    return {"bib": bib, **dict(zip(keys, shown, strict=True)), **couples.get(bib, NO_NAMES)}


def _why(what: Absent | tuple[str, str, str], language: str = SOURCE) -> str:
    """ "withdrawn in the Semi-final: injury" or "disqualified: conduct" (plain words, in `language`), or ""."""
    kind, name, reason = what
    if not kind:
        return ""
    if kind == "withdrawn" and name:
        said = _("withdrawn in the {round}: {reason}", round=round_name(name), reason=reason)
    elif kind == "withdrawn":
        said = _("withdrawn: {reason}", reason=reason)
    elif name:
        said = _("disqualified in the {round}: {reason}", round=round_name(name), reason=reason)
    else:
        said = _("disqualified: {reason}", reason=reason)
    return translate(said, language)


# The rows the published results are built from (the box's own log, or the cloud's copy): computed rounds and
# the couples withdrawn or disqualified (bib and reason); NAMES adds the couples' names and clubs by bib. A
# reader given no NAMES rows shows numbers only.
RESULT_KINDS = (  # also the results page's live stream (appliance/live/stream.py, `?only=results`)
    "round.computed",
    "round.recomputed",
    "round.decided",
    "result.official",
    "couple.withdrawn",
    "couple.disqualified",
)
PUBLISHED = (*RESULT_KINDS, *JoiningLog.KINDS)
NAMES = ("couple.entered", "couple.updated", "bibs.assigned")


class _Log:
    """The published results as the change log builds them up, row by row (the box's own log or the cloud's
    copy): computed rounds, the couples' names by bib, and the couples withdrawn or disqualified."""

    def __init__(self, language: str = SOURCE) -> None:
        self.language = language  # the reader's: a final's reasons said in it where the round stored them so
        self.rounds: dict[int, dict] = {}
        self.couples: dict[int, dict] = {}  # couple id -> names, club, bib
        self.entered: dict[int, set[int]] = {}  # event id -> couple ids
        self.absent: dict[int, dict[int, Absent]] = {}  # event id -> bib -> what
        self.unplaced: dict[int, set[int]] = {}  # event id -> bibs no round places (DQ, withdrawn in a recall round)
        self.joins = JoiningLog()  # star couples and redances: who went further than each round

    def apply(self, seq: int, kind: str, payload: dict) -> None:
        if kind in ("round.computed", "round.recomputed"):
            self.rounds[payload["round_id"]] = _round(seq, payload, self.language)
        elif kind == "round.decided" and payload["round_id"] in self.rounds:
            item = self.rounds[payload["round_id"]]
            item["recalled"] = next((o for o in _cut_options(item) if len(o) == payload["recall"]), None)
        elif kind == "result.official" and payload["round_id"] in self.rounds:
            self.rounds[payload["round_id"]]["official"] = True
        elif kind in ("couple.entered", "couple.updated"):
            self._couple(payload.get("couple", payload), payload.get("events", []))
        elif kind == "bibs.assigned":
            for couple_id, bib in payload.items():
                self.couples.setdefault(int(couple_id), dict(NO_NAMES))["bib"] = bib
        elif kind in JoiningLog.KINDS:
            self.joins.apply(kind, payload)
        elif kind in ("couple.withdrawn", "couple.disqualified"):
            self._outcome(kind, payload)

    def _couple(self, couple: dict, events: list[int]) -> None:
        known = self.couples.get(couple["id"], {})
        self.couples[couple["id"]] = {**_couple(couple), "bib": couple.get("bib") or known.get("bib")}
        for event_id in events:
            self.entered.setdefault(event_id, set()).add(couple["id"])

    def _outcome(self, kind: str, payload: dict) -> None:
        dq = kind == "couple.disqualified"
        known = self.rounds.get(payload.get("round_id") or 0, {})
        what = ("DQ" if dq else "withdrawn", payload.get("round") or known.get("round", ""), payload["reason"])
        self.absent.setdefault(payload["event_id"], {})[payload["bib"]] = what
        if dq or not payload.get("placed", True):
            self.unplaced.setdefault(payload["event_id"], set()).add(payload["bib"])
        again = payload.get("recomputed") if dq else None
        if again and again["round_id"] in self.rounds:  # the final computed again without the couple
            _without(self.rounds[again["round_id"]], again["result"], payload["bib"], self.language)

    def bib_of(self, couple_id: int) -> int | None:
        return self.couples.get(couple_id, {}).get("bib")

    def names(self, event_id: int) -> dict[int, dict]:
        found = {}
        for couple_id in self.entered.get(event_id, ()):
            couple = self.couples[couple_id]
            if couple.get("bib") is not None:
                found[couple["bib"]] = _couple(couple)
        return found


def published(rows: list, language: str = SOURCE) -> dict:
    """The published results from change-log rows (the box's own, or the cloud's copy): computed rounds only,
    with their marks, reasons, the chair's decision at a tie and whether the result is official; each event's
    places with the couples' names and clubs, the withdrawn and disqualified couples labelled. The reasons and
    the absences' "why" in `language` (English, the source, as stored: a program asking gets the same bytes)."""
    log = _Log(language)
    for row in rows:
        seq, kind, _, payload_text = tuple(row)[:4]
        log.apply(seq, kind, json.loads(payload_text))
    events: dict[int, dict] = {}
    for item in sorted(log.rounds.values(), key=lambda r: r["seq"]):
        event = events.setdefault(
            item["event_id"], {"event_id": item["event_id"], "event": item["event"], "rounds": []}
        )
        event["rounds"].append(item)
    for event in events.values():
        ordered = sorted(event["rounds"], key=lambda r: log.joins.order(r["round_id"]))  # the plan's order
        absent = log.absent.get(event["event_id"], {})
        names = log.names(event["event_id"])
        dq = {b for b, what in absent.items() if what[0] == "DQ"}
        unplaced = log.unplaced.get(event["event_id"], set())
        found = [log.joins.outcome(_outcome(r, dq), r["round_id"], unplaced, log.bib_of) for r in ordered]
        event["standings"] = public_places(standings(found), absent, names, language)
        event["couples"] = {str(b): c for b, c in sorted(names.items())}
    return {"events": list(events.values())}


def _round(seq: int, payload: dict, language: str) -> dict:
    result = payload["result"]
    return {
        "round_id": payload["round_id"],
        "event_id": payload["event_id"],
        "event": payload.get("event", ""),
        "round": payload.get("round", ""),
        "kind": payload["kind"],
        "official": False,
        "seq": seq,
        "recalled": result.get("recalled"),
        "tie_at_cut": result.get("tie_at_cut", False),
        "totals": result.get("totals"),
        "places": result.get("places"),
        "dances": result.get("dances"),
        "reasons": said_reasons(result, language),
        "withdrawn": result.get("withdrawn", {}),
        "marks": payload.get("marks"),
    }


def _without(item: dict, result: dict, bib: int, language: str) -> None:
    """A final placed again without a disqualified couple: its places, and each judge's marks re-ranked."""
    item |= {k: result.get(k) for k in ("places", "dances")} | {"reasons": said_reasons(result, language)}
    marks = item.get("marks")
    if not marks or marks.get("type") != "final":
        return
    for dance, by_couple in marks["marks"].items():
        kept = {c: m for c, m in by_couple.items() if c != str(bib)}
        for j in range(len(marks["judges"])):
            for rank, couple in enumerate(sorted(kept, key=lambda c: kept[c][j]), start=1):
                kept[couple] = [*kept[couple][:j], rank, *kept[couple][j + 1 :]]
        marks["marks"][dance] = kept


def _outcome(item: dict, dq: set[int]) -> RoundOutcome:
    """A round as the standings read it; a disqualified couple's crosses are left out (services/results.py)."""
    totals, recalled = item["totals"], item["recalled"]
    if totals is not None and recalled is not None:
        totals = {b: t for b, t in totals.items() if int(b) not in dq}
        recalled = [b for b in recalled if b not in dq]
    return RoundOutcome(item["round"], item["kind"], totals, recalled, item["places"], item["reasons"])


def _cut_options(item: dict) -> list[list[int]]:
    totals = item.get("totals") or {}
    levels = sorted(set(totals.values()), reverse=True)
    return [sorted(int(b) for b, t in totals.items() if t >= level) for level in levels]


def published_here(conn: sqlite3.Connection, language: str = SOURCE) -> dict:
    rows = conn.execute(
        "SELECT seq, kind, entity, payload FROM change_log WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (json.dumps(PUBLISHED + NAMES),),
    ).fetchall()
    return published(rows, language)
