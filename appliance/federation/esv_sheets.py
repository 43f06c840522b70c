"""The ESV's digital judges' sheets ("wrzetteldigi", formats.md 1.12): per round, one element per judge.

`POST /api/v1/wrzetteldigi/{turnierId}/{runde}` takes, per round, an array over the judges in `wr` order; an
element is null when that judge's marks were not wholly digital (a sheet keyed in from paper) or the judge has
not signed the round on the tablet. An element: `wr` {id, vorname, nachname}, `kreuzvorgabeVon`/`Bis` (null in a
final), `starter` [{startNr, wertungen: the judge's mark per dance (cross 1/0, or place), summe (crosses; null
for places)}] and the signature as a base64 1-bit PNG of at most 400x200. The DTV has published no schema for
it and its description names neither the per-dance key nor the signature's: `wertungen` and `unterschrift`
here are our reading of it, to be confirmed with the DTV before the first upload.
"""

from __future__ import annotations

import base64
import sqlite3

from appliance.db import signatures as sig_db
from appliance.federation.esv import Round, computed_rounds, dance_codes, officials
from appliance.services import lookups

MEDIA_TYPE = "application/vnd.tanzsport.esv.v1.wrzettel.l2+json"


def _marks(r: Round, dances: list[str], letter: str, bib: int) -> tuple[list, int | None]:
    if r.final is not None:
        return [r.marks[d][letter][str(bib)] for d in dances], None  # type: ignore[index]
    crosses = [1 if bib in r.marks[d][letter] else 0 for d in dances]  # type: ignore[operator]
    return crosses, sum(crosses)


def _sheet(r: Round, dances: list[str], judge: dict, signature: bytes) -> dict:
    starters = []
    for bib in r.bibs:
        marks, total = _marks(r, dances, judge["kuerzel"], bib)
        starters.append({"startNr": bib, "wertungen": marks, "summe": total})
    return {
        "wr": {"id": judge["id"], "vorname": judge["vorname"], "nachname": judge["nachname"]},
        "kreuzvorgabeVon": r.recall if r.final is None else None,
        "kreuzvorgabeBis": r.recall if r.final is None else None,
        "starter": starters,
        "unterschrift": base64.b64encode(signature).decode(),
    }


def judges_sheets(conn: sqlite3.Connection, event_id: int) -> list[dict]:
    """Per computed round `{"runde": key, "body": [sheet or null per judge in wr order]}`."""
    event = lookups.event(conn, event_id)
    dance_codes(event)  # an event the ESV cannot name is refused here too
    rounds = computed_rounds(conn, event)
    wr = officials(conn, event, rounds)
    found = []
    for r in rounds:
        signed = sig_db.signatures_of(conn, r.id)
        keyed = sig_db.keyed_judges(conn, r.id)
        body = [
            _sheet(r, event.dances, j, signed[j["kuerzel"]])
            if j["kuerzel"] in r.letters and j["kuerzel"] in signed and j["kuerzel"] not in keyed
            else None
            for j in wr
        ]
        found.append({"runde": r.key, "body": body})
    return found
