"""The DTV's ESV results document of one event ("Turnier"), interface level 2, and its v1 checksum header.

Mapping (formats.md 1.5-1.10): event dances -> `taenze`; the judges of every round, by letter -> `wr` (the
judge letter is `kuerzel`); rounds with a result -> `ablauf` (keys 1, R for a redance, 2..9 for the recall
rounds, F for the final; `K` with `kreuzvorgabe` {N, N} for "recall N", `P` for a final); every entered
couple -> `starter`, by bib (status 1 danced, 2 scratched, 3 did not dance), with its marks per round (null for a
round it did not dance: a star couple's, a redance it did not need), `sterne` (a star couple: the rounds it was
seeded past) and its place; the final's Rules 5-8 table -> `endrundentabellen`, its Rules 10-11 tables ->
`skatingtabellen`. The document is checked
against the published schema before anyone gets it. Floorcraft records no DTV ids, promotion points,
tournament director or assessor names: those fields are null or blank, never invented.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import NamedTuple

from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import outcomes as outcomes_db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.db import stars as stars_db
from appliance.errors import Conflict, Invalid
from appliance.federation import esv_tables as tables
from appliance.federation.schema import check_results
from appliance.i18n import _
from appliance.model.competition import Event
from appliance.model.registration import Entry
from appliance.scoring import place_final
from appliance.scoring.multidance import FinalResult
from appliance.services import joining, lookups, results
from appliance.words import round_name

MEDIA_TYPE = "application/vnd.tanzsport.esv.v1.ergebnis.l2+json"
DANCES = {"W": "LW", "T": "TG", "V": "WW", "F": "SF", "Q": "QU", "S": "SB", "C": "CC", "R": "RB", "P": "PD", "J": "JV"}
AGE_GROUPS = {"adult": "Hgr", "youth": "Jug", "senior": "SenI", "junior": "JunI", "juvenile": "Kin", "u21": "U21"}
CLASSES = ("D", "C", "B", "A", "S")


class Round(NamedTuple):
    """One round with a result, as the ESV sees it."""

    id: int
    key: int | str
    kind: str
    recall: int | None
    letters: list[str]
    bibs: list[int]
    marks: dict[str, dict[str, object]]
    final: FinalResult | None
    official: bool


def checksum(body: bytes) -> str:
    """The v1 `X-DTV-Pruefsumme` header value: the first 6 hex digits of the SHA-1 of the body exactly as sent."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()[:6]


def serialise(document: dict) -> bytes:
    """The body to write and send (compact UTF-8 JSON): the checksum is over exactly these bytes."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def dance_codes(event: Event) -> list[str]:
    unknown = [d for d in event.dances if d not in DANCES]
    if unknown:
        raise Invalid(
            _(
                "the dance {unknown} of {name} has no ESV code (W T V F Q, S C R P J)",
                unknown=repr(unknown[0]),
                name=event.name,
            ),
            "event_id",
        )
    return [DANCES[d] for d in event.dances]


def _round_key(conn: sqlite3.Connection, row: sqlite3.Row) -> int | str:
    key = joining.round_key(conn, row)  # "R" for a redance, the rounds numbered without it
    before = joining.round_key(conn, lookups.round_row(conn, row["redance_of"])) if key == "R" else None
    if key == "R" and before != 1:
        raise Invalid(
            _("the ESV takes a redance only after the 1st round, not after round {before}", before=before), "event_id"
        )
    if isinstance(key, int) and key > 9:
        raise Invalid(
            _("the ESV numbers rounds up to 9; the {name} is round {key}", name=round_name(row["name"]), key=key),
            "event_id",
        )
    return key


def _load_round(conn: sqlite3.Connection, event: Event, row: sqlite3.Row, official: bool) -> Round:
    # the marks as computed: a withdrawn couple's places filled, a disqualified couple's removed (services/absences)
    letters, marks, bibs, _, _ = results.computation(conn, row, event)
    bibs = sorted(bibs)
    final = None
    if row["kind"] == "final":
        by_couple = {d: {str(b): [marks[d][j][str(b)] for j in letters] for b in bibs} for d in event.dances}
        final = place_final(letters, event.dances, by_couple)
    return Round(row["id"], _round_key(conn, row), row["kind"], row["recall"], letters, bibs, marks, final, official)


def computed_rounds(conn: sqlite3.Connection, event: Event) -> list[Round]:
    """The event's rounds that have a result, in order (the ones danced so far)."""
    done = []
    for row in rounds_db.rounds_of(conn, event.id):
        stored = marks_db.get_result(conn, row["id"])
        if stored is None:
            break
        done.append(_load_round(conn, event, row, bool(stored["official"])))
    if not done:
        raise Conflict(
            _("{name} (event {id}) has no computed round yet: nothing to report", name=event.name, id=event.id),
            "event_id",
        )
    return done


def _split(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return first, last


def _official(letter: str, name: str, country: str) -> dict:
    first, last = _split(name)
    return {"kuerzel": letter, "id": None, "vorname": first, "nachname": last, "club": None, "staat": country}


def officials(conn: sqlite3.Connection, event: Event, rounds: list[Round]) -> list[dict]:
    """`wr`: the judges of the rounds danced, by letter (one panel for the whole event, as the ESV takes it)."""
    letters = {j for r in rounds for j in r.letters}
    judges = [a for a in comp_db.list_adjudicators(conn, event.competition_id) if a.letter in letters]
    final = next((r for r in rounds if r.final is not None), None)
    if final is not None and set(final.letters) != letters:
        away = ", ".join(sorted(letters - set(final.letters), key=lambda j: (len(j), j)))
        raise Invalid(
            _(
                "the ESV takes one panel for the whole event, but judge {away} judged an "
                "earlier round and not the final of {name}: its marks cannot be placed in "
                "the final's columns",
                away=away,
                name=event.name,
            ),
            "event_id",
        )
    return [_official(a.letter, a.name, a.country) for a in judges]


def flags(conn: sqlite3.Connection, event_id: int) -> dict[int, int]:
    """bib -> `vd` (formats.md 1.7): 1 warned for the step limit, 2 disqualified for the step limit, 3 disqualified
    (services/withdrawals.py); a couple warned and then disqualified has the disqualification's flag."""
    found = {w["bib"]: 1 for w in outcomes_db.warnings_of_event(conn, event_id)}
    for o in outcomes_db.of_event(conn, event_id):
        if o["status"] == "disqualified":
            found[o["bib"]] = 2 if o["step_limit"] else 3
    return found


def _places(conn: sqlite3.Connection, event_id: int) -> dict[int, tuple[int, int, int]]:
    """bib -> (place from, place to, vd) of every couple placed so far (results.event_results: those out of a round
    rank below everyone who went further, also while the later rounds still run)."""
    placings = results.event_results(conn, event_id).placings
    vd = flags(conn, event_id)
    found = {p.bib: (p.place_from, p.place_to, vd.get(p.bib, 0)) for p in placings if p.place_from}
    dq = [p.bib for p in placings if p.label == "DQ"]  # disqualified: ranked below every placed couple
    last = max((t for _, t, _ in found.values()), default=0)
    found |= {b: (last + 1, last + len(dq), vd.get(b, 3)) for b in dq}
    return found


def _ergebnis(place: tuple[int, int, int] | None) -> dict | None:
    if place is None:
        return None
    return {
        "platzGesamtVon": place[0],
        "platzGesamtBis": place[1],
        "platzTurnierVon": None,
        "platzTurnierBis": None,
        "punkte": None,
        "platzierungenGesamt": None,
        "punkteGesamt": None,
        "aufstieg": 0,
        "laufzettel": False,
        "vd": place[2],  # 0 none, 1 warned / 2 disqualified for the step limit, 3 disqualified (flags())
    }


def _wertung(event: Event, wr: list[str], rounds: list[Round], bib: int) -> list:
    danced = [i for i, r in enumerate(rounds) if bib in r.bibs]
    shapes: list = []
    for r in rounds[: danced[-1] + 1] if danced else []:  # after the round it went out in, the array ends
        if bib not in r.bibs:
            shapes.append(None)  # a round it did not dance: a star couple's, a redance it did not need
        elif r.final is not None:
            shapes.append(tables.final_wertung(wr, event.dances, r.marks, r.final, bib))
        else:
            shapes.append(tables.recall_wertung(wr, r.letters, event.dances, r.marks, bib))
    return shapes


def _sterne(conn: sqlite3.Connection, event: Event) -> dict[int, int]:
    """couple id -> `sterne` of each star couple: the rounds it was seeded past (a redance not counted)."""
    rows = {r["number"]: r for r in rounds_db.rounds_of(conn, event.id)}
    ladder = [r["number"] for r in rows.values() if r["redance_of"] is None]  # the rounds of the plan, in order
    return {c: ladder.index(n) for c, n in stars_db.stars_of(conn, event.id).items() if n in ladder}


def _starter(
    event: Event, entry: Entry, wr: list[str], rounds: list[Round], places: dict, stars: dict[int, int]
) -> dict:
    couple = entry.couple
    if len(couple.country) != 3:
        raise Invalid(
            _("couple {bib} has no three-letter country code, which the ESV requires", bib=couple.bib), "country"
        )
    danced = any(couple.bib in r.bibs for r in rounds)
    status = 2 if entry.status == "scratched" else 1 if danced or couple.id in stars else 3  # a star: still in
    return {
        "id": None,
        "startNr": couple.bib,
        "personen": [
            {"id": None, "vorname": first, "nachname": last, "wdsfMin": None}
            for first, last in (_split(couple.leader), _split(couple.follower))
        ],
        "staat": couple.country,
        "status": status,
        "meldungsTyp": 2 if entry.late else 1,
        "sterne": stars.get(couple.id, 0),  # a star couple: the rounds it was seeded past
        "startgruppe": AGE_GROUPS.get(event.age_group.casefold()),
        "startklasse": event.level.upper() if event.level.upper() in CLASSES else None,
        "wettbewerbsart": None,
        "ergebnis": _ergebnis(places.get(couple.bib)) if status == 1 else None,
        "wertung": (_wertung(event, wr, rounds, couple.bib or 0) or None) if status == 1 else None,  # has a bib
        "stichrundenwertung": None,
    }


def _ablauf(r: Round) -> dict:
    crosses = {"von": r.recall, "bis": r.recall} if r.final is None else None
    return {
        "runde": r.key,
        "typ": "P" if r.final else "K",
        "platz": None,
        "startreihenfolge": None,
        "kreuzvorgabe": crosses,
    }


def _blank(letters: str) -> dict:
    return {"kuerzel": letters, "id": None, "vorname": "", "nachname": "", "club": None, "staat": ""}


def results_document(conn: sqlite3.Connection, event_id: int) -> dict:
    """The level-2 results document of one event, valid against the published schema (else Invalid)."""
    event = lookups.event(conn, event_id)
    taenze = dance_codes(event)
    rounds = computed_rounds(conn, event)
    wr = officials(conn, event, rounds)
    letters = [j["kuerzel"] for j in wr]
    entries = sorted(
        (e for e in reg_db.list_entries(conn, event.competition_id) if e.event_id == event.id),
        key=lambda e: (e.couple.bib is None, e.couple.bib or 0, e.couple.id),
    )
    places = _places(conn, event.id)
    seeded = _sterne(conn, event)
    finals = [r for r in rounds if r.final is not None]
    order = [e.couple.bib for e in entries]
    document = {
        "endergebnis": bool(finals) and all(r.official for r in finals),
        "taenze": taenze,
        "wr": wr,
        "tl": [_blank("TL")],
        "bs": [_blank("BS")],
        "ch": [],
        "moderatoren": [],
        "protokoll": [],
        "vorkommnisse": None,
        "beginn": None,
        "ende": None,
        "ablauf": [_ablauf(r) for r in rounds],
        "stichrunden": None,
        "kombiniertMit": None,
        "zuschauer": None,
        "starter": [_starter(event, e, letters, rounds, places, seeded) for e in entries],
        "endrundentabellen": [
            tables.endrunden_table(r.final, event.dances, [b for b in order if b in r.bibs]) for r in finals if r.final
        ]
        or None,
        "skatingtabellen": [
            tables.skating_table(r.final, [b for b in order if b in r.bibs]) for r in finals if r.final
        ],
        "stichrundentabellen": None,
    }
    check_results(document)
    return document
