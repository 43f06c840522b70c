"""WDSF API results (docs: formats.md section 2): the body of `PUT result/{competitionId}` for one event.

One item per couple that danced: its WDSF participant `id`, its `rank` (a shared place as "3-4") and every round
it danced with every dance and one score per judge: in a recall round a `mark` (`set: false`) only from the judges
who crossed the couple, in a final a `final` score with the judge's place. Judges are named by their WDSF official
id and couples by their participant id: the WDSF assigns both when the scrutineer registers them (workflow steps
2-3), so they come from an ids file (`WdsfIds`), never guessed. Scratched couples are not in it (the WDSF takes a
withdrawal as a participant status, not as results).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Annotated

import msgspec

from appliance.db import marks as marks_db
from appliance.db import rounds as rounds_db
from appliance.errors import AppError
from appliance.i18n import _
from appliance.model.competition import Letter
from appliance.services import joining, lookups
from appliance.services.results import event_results

# Upper-case English as the WDSF client's examples write them; Standard names other than TANGO are not shown in
# the public sources (formats.md 2.7) and follow the same convention. Any other dance code is sent upper-cased.
DANCES = {
    "W": "WALTZ",
    "T": "TANGO",
    "V": "VIENNESE WALTZ",
    "F": "SLOW FOXTROT",
    "Q": "QUICKSTEP",
    "S": "SAMBA",
    "C": "CHA CHA CHA",
    "R": "RUMBA",
    "P": "PASO DOBLE",
    "J": "JIVE",
}
WdsfId = Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
MEDIA_TYPE = "application/vnd.worlddancesport.results+json"


class WdsfError(ValueError):
    """The event or the ids file cannot give a WDSF payload; the message says why, in plain words."""


class WdsfIds(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What the WDSF answered when the officials and couples were registered (its own ids)."""

    officials: dict[Letter, WdsfId]  # judge letter -> official id
    participants: dict[str, WdsfId]  # bib -> participant id
    competition_id: WdsfId | None = msgspec.field(default=None, name="competitionId")


def load_ids(data: bytes) -> WdsfIds:
    """Parse an ids file: {"competitionId": 60001, "officials": {"A": 8701}, "participants": {"101": 2001101}}."""
    try:
        return msgspec.json.decode(data, type=WdsfIds)
    except msgspec.ValidationError as exc:
        raise WdsfError(_("the ids file is not right: {reason}", reason=str(exc))) from None
    except msgspec.DecodeError as exc:
        raise WdsfError(_("the ids file is not JSON: {reason}", reason=str(exc))) from None


def dance_name(code: str) -> str:
    return DANCES.get(code, code.upper())


def _rank(place_from: int, place_to: int) -> str:
    return str(place_from) if place_from == place_to else f"{place_from}-{place_to}"


def _scores(kind: str, marks, bib: int, judges: list[sqlite3.Row], officials: dict[str, int]) -> list[dict]:
    """One dance of one couple: a `mark` from each judge who crossed it, or every judge's `final` place."""
    if kind == "recall":
        return [
            {"kind": "mark", "adjudicator": officials[j["letter"]], "set": False}
            for j in judges
            if bib in marks[j["letter"]]
        ]
    return [
        {"kind": "final", "adjudicator": officials[j["letter"]], "rank": marks[j["letter"]][str(bib)]} for j in judges
    ]


def _computed_rounds(conn: sqlite3.Connection, event_id: int) -> list[dict]:
    """Every round with a result: its WDSF name, kind, judges, couples and marks (dance -> letter -> marks)."""
    out = []
    for row in rounds_db.rounds_of(conn, event_id):
        if marks_db.get_result(conn, row["id"]) is None:
            continue
        marks: dict[str, dict[str, object]] = {}
        for sheet in marks_db.sheets_of(conn, row["id"]):
            marks.setdefault(sheet["dance"], {})[sheet["letter"]] = json.loads(sheet["marks"])
        out.append(
            {
                "name": str(joining.round_key(conn, row)),  # "F", "R" for a redance, else the round's number
                "kind": row["kind"],
                "judges": marks_db.round_panel(conn, row["id"]),
                "bibs": set(marks_db.round_bibs(conn, row["id"])),
                "marks": marks,
            }
        )
    return out


def _check_ids(ids: WdsfIds, rounds: list[dict], bibs: list[int]) -> None:
    letters = sorted({j["letter"] for r in rounds for j in r["judges"]} - set(ids.officials))
    missing = [str(b) for b in bibs if str(b) not in ids.participants]
    judges = ", ".join(letters)
    if letters and missing:
        raise WdsfError(
            _(
                "no WDSF official id for judge {judges}; no WDSF participant id for bib {bibs} "
                "(add them to the ids file)",
                judges=judges,
                bibs=", ".join(missing),
            )
        )
    if letters:
        raise WdsfError(_("no WDSF official id for judge {judges} (add them to the ids file)", judges=judges))
    if missing:
        raise WdsfError(_("no WDSF participant id for bib {bibs} (add them to the ids file)", bibs=", ".join(missing)))


def results_payload(conn: sqlite3.Connection, event_id: int, ids: WdsfIds) -> list[dict]:
    """The body of `PUT result/{competitionId}`: every couple that danced, by rank, with all its rounds."""
    try:
        event = lookups.event(conn, event_id)
        placings = event_results(conn, event_id).placings
    except AppError as exc:
        raise WdsfError(exc.message) from None
    rounds = _computed_rounds(conn, event_id)
    if not rounds or rounds[-1]["kind"] != "final":
        raise WdsfError(
            _(
                "event {event_id} ({name}) has no computed final yet: WDSF results are sent after it",
                event_id=event_id,
                name=event.name,
            )
        )
    _check_ids(ids, rounds, [p.bib for p in placings])
    payload = []
    for placing in sorted(placings, key=lambda p: (p.place_from, p.bib)):
        danced = [
            {
                "name": r["name"],
                "maxDeviation": None,
                "dances": [
                    {
                        "name": dance_name(d),
                        "isGroupDance": False,
                        "scores": _scores(r["kind"], r["marks"][d], placing.bib, r["judges"], ids.officials),
                    }
                    for d in event.dances
                ],
            }
            for r in rounds
            if placing.bib in r["bibs"]
        ]
        payload.append(
            {
                "id": ids.participants[str(placing.bib)],
                "rank": _rank(placing.place_from, placing.place_to),
                "rounds": danced,
            }
        )
    return payload
