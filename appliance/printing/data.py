"""What each printed document shows, read from the database in one snapshot (read-only; SQL stays in db/)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable

from appliance.db import changelog, documents
from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.i18n import SOURCE, _
from appliance.model.competition import Competition, Event
from appliance.model.registration import Couple
from appliance.printing import DOCS, marks, sheets
from appliance.printing.words import dance_name, event_dates, stamp
from appliance.services import lookups, results
from appliance.words import round_name, state_word


def _dates(competition: Competition, language: str) -> str:
    first, last = (dt.date.fromisoformat(str(d)) for d in (competition.starts_on, competition.ends_on))
    return event_dates(first, last, language)


def couples_of(conn: sqlite3.Connection, event: Event) -> list[dict]:
    """The event's couples by bib: bib, names, club, country, withdrawn (a scratched entry)."""
    rows = [
        {**_couple(e.couple), "withdrawn": e.status == "scratched", "late": e.late}
        for e in reg_db.list_entries(conn, event.competition_id)
        if e.event_id == event.id
    ]
    return sorted(rows, key=lambda r: (r["bib"] is None, r["bib"] or 0, r["name"]))


def _couple(c: Couple) -> dict:
    return {"bib": c.bib, "name": f"{c.leader} & {c.follower}", "club": c.club, "country": c.country}


def page(
    conn: sqlite3.Connection, event_id: int, doc: str, box_key: str, printed_at: str, language: str = SOURCE
) -> dict:
    """What every page shows, in `language`: the competition, its dates, the event, the document, the box's
    checksum."""
    event = lookups.event(conn, event_id)
    competition = lookups.competition(conn, event.competition_id)
    seq, digest = changelog.head(conn)
    return {
        "doc": doc,
        "lang": language,
        "title": _(DOCS[doc]),
        "competition": competition.name,
        "venue": competition.venue,
        "dates": _dates(competition, language),
        "event": event.name,
        "floor": event.floor,
        "dances": [dance_name(d) for d in event.dances],
        "checksum": _("log #{seq} {digest} · box key {key}", seq=seq, digest=digest[:16], key=box_key),
        "printed_at": f"{stamp(printed_at, language)} UTC",
    }


def couples_doc(conn: sqlite3.Connection, event: Event) -> dict:
    rows = couples_of(conn, event)
    by_name = sorted(rows, key=lambda r: (r["name"].casefold(), r["bib"] or 0))
    return {"by_bib": rows, "by_name": by_name, "entered": sum(not r["withdrawn"] for r in rows)}


def draw_doc(conn: sqlite3.Connection, event: Event) -> dict:
    """Each drawn round by heat (dance -> heats -> couples) and by couple (bib -> heat per dance)."""
    couples = {r["bib"]: r for r in couples_of(conn, event)}
    rounds = []
    for row in rounds_db.rounds_of(conn, event.id):
        heats = rounds_db.heats_by_bib(conn, row["id"])
        if not heats:
            rounds.append({"name": round_name(row["name"]), "drawn": False})
            continue
        by_dance = [
            {"dance": dance_name(d), "heats": [[couples.get(b, {"bib": b, "name": ""}) for b in h] for h in split]}
            for d, split in heats.items()
        ]
        heat_of = {(d, b): i + 1 for d, split in heats.items() for i, h in enumerate(split) for b in h}
        bibs = sorted({b for split in heats.values() for h in split for b in h})
        by_couple = [
            {**couples.get(b, {"bib": b, "name": ""}), "heats": [heat_of.get((d, b), "") for d in heats]} for b in bibs
        ]
        rounds.append(
            {
                "name": round_name(row["name"]),
                "drawn": True,
                "dances": [dance_name(d) for d in heats],
                "by_dance": by_dance,
                "by_couple": by_couple,
            }
        )
    return {"rounds": rounds}


def judges_sheets_doc(conn: sqlite3.Connection, event: Event, states: tuple[str, ...] | None = None) -> dict:
    """The blank paper slips of every drawn round (or of the rounds in `states`): one per dance and judge, with a
    box per couple."""
    rounds = []
    for row in rounds_db.rounds_of(conn, event.id):
        if states is not None and row["state"] not in states:
            continue
        heats = rounds_db.heats_by_bib(conn, row["id"])
        if not heats:
            continue
        panel = [(j["letter"], j["name"]) for j in marks_db.round_panel(conn, row["id"])]
        rounds.append(sheets.round_slips(round_name(row["name"]), row["kind"], row["recall"], heats, panel, dance_name))
    return {"rounds": rounds}


def results_doc(conn: sqlite3.Connection, event: Event) -> dict:
    standings = results.event_results(conn, event.id)
    couples = {r["bib"]: r for r in couples_of(conn, event)}
    rows = []
    for p in standings.placings:
        same = p.place_from == p.place_to
        rows.append(
            {
                "place": str(p.place_from) if same else f"{p.place_from}-{p.place_to}",
                "bib": p.bib,
                "name": f"{p.leader} & {p.follower}",
                "club": couples.get(p.bib, {}).get("club", ""),
                "country": couples.get(p.bib, {}).get("country", ""),
                "round": round_name(p.round),
                "crosses": p.crosses,
                "reason": p.reason,
            }
        )
    return {"official": standings.official, "placings": rows}


def marks_doc(conn: sqlite3.Connection, event: Event, names: Callable[[str], str] = dance_name) -> dict:
    """The marks report: every computed round's tables (`names`: how a dance is named; the desk's JSON keeps
    the codes, its page names them in its language)."""
    rounds = []
    for row in rounds_db.rounds_of(conn, event.id):
        if marks_db.get_result(conn, row["id"]) is None:
            continue
        result = results.round_result(conn, row["id"])
        sheet = results.skate_sheet(conn, row["id"])
        judges = {j["letter"]: j["name"] for j in marks_db.round_panel(conn, row["id"])}
        tables = marks.round_tables(round_name(row["name"]), sheet, marks.status(result), judges, names)
        rounds.append({**tables, "round_id": row["id"]})
    return {"rounds": rounds}


def chair_report_doc(conn: sqlite3.Connection, event: Event) -> dict:
    """Panel per round, then from the change log: decisions, corrections, withdrawals, sign-offs, in order."""
    rows = rounds_db.rounds_of(conn, event.id)
    judges = {a.letter: a for a in comp_db.list_adjudicators(conn, event.competition_id)}
    panels = []
    for row in rows:
        letters = [j["letter"] for j in marks_db.round_panel(conn, row["id"])]
        stored = marks_db.get_result(conn, row["id"])
        panels.append(
            {
                "round": round_name(row["name"]),
                "state": state_word(row["state"]),
                "checksum": stored["sheets_checksum"] if stored else "",
                "judges": [
                    {"letter": j, "name": judges[j].name if j in judges else "", "country": _country(judges, j)}
                    for j in letters
                ],
            }
        )
    names = {r["id"]: round_name(r["name"]) for r in rows}
    entries = documents.event_log(conn, event.id, list(names))
    return {"panels": panels, **marks.chair_events(entries, names, lambda cid: _couple_by_id(conn, cid))}


def _country(judges: dict, letter: str) -> str:
    return judges[letter].country if letter in judges else ""


def _couple_by_id(conn: sqlite3.Connection, couple_id: int) -> str:
    found = reg_db.get_couple(conn, couple_id)
    if found is None:
        return _("couple {id}", id=couple_id)
    return f"{found.bib or '-'} {found.leader} & {found.follower}"


BUILDERS: dict[str, Callable[[sqlite3.Connection, Event], dict]] = {
    "couples": couples_doc,
    "draw": draw_doc,
    "judges-sheets": judges_sheets_doc,
    "marks": marks_doc,
    "results": results_doc,
    "chair-report": chair_report_doc,
}


STILL_TO_JUDGE = ("drawn", "running")
"""A round drawn and not computed yet: the rounds whose blank judges' sheets the USB stick carries."""


def blank_sheets(
    conn: sqlite3.Connection, event_id: int, box_key: str, printed_at: str, language: str = SOURCE
) -> dict | None:
    """The judges' blank sheets of the event's rounds still to judge (the stick's paper fallback), or None."""
    context = page(conn, event_id, "judges-sheets", box_key, printed_at, language)
    context.update(judges_sheets_doc(conn, lookups.event(conn, event_id), STILL_TO_JUDGE))
    return context if context["rounds"] else None


def build(
    conn: sqlite3.Connection, event_id: int, doc: str, box_key: str, printed_at: str, language: str = SOURCE
) -> dict:
    """Everything one document shows, in `language` (raises NotFound for an unknown event)."""
    context = page(conn, event_id, doc, box_key, printed_at, language)
    context.update(BUILDERS[doc](conn, lookups.event(conn, event_id)))
    return context
