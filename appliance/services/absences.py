"""Couples withdrawn mid-event or disqualified, as the tablets, the sheets' checks and the computation see them
(issue #10 points 3 and 4).

- Withdrawn in a recall round: the tablets drop the couple, a new sheet may not cross it, the required crosses
  stay the chair's number unless fewer couples remain; sheets already sent stand, but the couple is not recalled
  (its crosses are left out when the round is computed).
- Withdrawn in a final: a couple that does not dance a dance is placed last in that dance by every judge. The
  dances it has danced are those with a sheet sent when it withdrew: the tablets still show it there. In every
  other dance the tablets drop it, the judges place the others 1..n-1 and the box fills n for the couple (two
  withdrawn couples: n-1 and n, by bib). This is the rule of the WDSF Competition Rules and of the DTV TSO alike,
  so it is not a setting. The scoring engine stays pure: the fill happens here, before it runs.
- Disqualified: the couple leaves the event's result. In the round it is disqualified in (its round still
  being danced, or the final with a result, computed again) its marks are removed and each judge's places of
  the others re-ranked 1..n-1; in a recall round still danced its crosses are left out. An earlier round's
  result stands as computed (the standings leave the couple out: scoring/standings via results.outcomes).
The round's sheets checksum records both (a stamp hashed with the sheets' checksums).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import msgspec

from appliance.db import outcomes as db
from appliance.db import rounds as rounds_db
from appliance.i18n import SOURCE, Message, _, from_tree, to_tree, translate
from appliance.model.marks import Placing


def of_event(conn: sqlite3.Connection, event_id: int) -> tuple[dict[int, sqlite3.Row], dict[int, sqlite3.Row]]:
    """(withdrawn, disqualified): bib -> outcome row; a disqualified couple is not also counted as withdrawn."""
    rows = db.of_event(conn, event_id)
    dq = {r["bib"]: r for r in rows if r["status"] == "disqualified"}
    withdrawn = {r["bib"]: r for r in rows if r["status"] == "withdrawn" and r["bib"] not in dq}
    return withdrawn, dq


def danced(outcome: sqlite3.Row, round_id: int) -> list[str]:
    """The dances of this round the withdrawn couple danced (only in the round it withdrew in)."""
    return json.loads(outcome["danced"]) if outcome["round_id"] == round_id else []


def dropped(conn: sqlite3.Connection, event_id: int, round_id: int, dance: str) -> set[int]:
    """The bibs the tablets no longer show in this round's dance, and that a new sheet must not hold."""
    withdrawn, dq = of_event(conn, event_id)
    return {b for b, o in dq.items() if o["round_id"] == round_id} | {
        b for b, o in withdrawn.items() if o["round_id"] == round_id and dance not in danced(o, round_id)
    }


def _rerank(sheet: dict, dq: set[int], filled: list[int]) -> dict[str, int]:
    """One judge's places without the disqualified couples (1..k in their order), then the withdrawn ones the
    judge did not place, last (k+1, ...)."""
    kept = {int(b): p for b, p in sheet.items() if int(b) not in dq}
    ranked = {b: i + 1 for i, b in enumerate(sorted(kept, key=lambda b: kept[b]))}
    for bib in filled:
        if bib not in ranked:
            ranked[bib] = len(ranked) + 1
    return {str(b): ranked[b] for b in sorted(ranked)}


def adjust(
    conn: sqlite3.Connection, row: sqlite3.Row, dances: list[str], bibs: list[int], letters: list[str], marks: dict
) -> tuple[list[int], dict, int | None, str]:
    """The couples, marks and recall number the round is computed with; and the stamp its checksum records."""
    withdrawn, dq = of_event(conn, row["event_id"])
    withdrawn = {b: o for b, o in withdrawn.items() if b in bibs and o["round_id"] == row["id"]}
    gone = {b for b, o in dq.items() if b in bibs and o["round_id"] == row["id"]}
    if not withdrawn and not gone:
        return bibs, marks, row["recall"], ""
    stamp = json.dumps(
        {"withdrawn": {str(b): danced(o, row["id"]) for b, o in withdrawn.items()}, "disqualified": sorted(gone)},
        sort_keys=True,
    )
    if row["kind"] == "recall":
        gone |= set(withdrawn)
        kept = [b for b in bibs if b not in gone]
        marks = {d: {j: [b for b in marks[d][j] if b not in gone] for j in letters} for d in dances}
        return kept, marks, min(row["recall"], len(kept)), stamp
    kept = [b for b in bibs if b not in gone]
    filled = sorted(withdrawn)
    marks = {d: {j: _rerank(marks[d][j], gone, filled) for j in letters} for d in dances}
    return kept, marks, row["recall"], stamp


def stamped(checksum: str, stamp: str) -> str:
    """The round's sheets checksum, recording the withdrawals and disqualifications it was computed with."""
    if not stamp:
        return checksum
    return hashlib.sha256((checksum + stamp).encode()).hexdigest()[:16]


def annotate(conn: sqlite3.Connection, row: sqlite3.Row, dances: list[str], bibs: list[int], result: dict) -> None:
    """Say in the result (and in a final's explanation) who withdrew or was disqualified, and what the box did."""
    withdrawn, dq = of_event(conn, row["event_id"])
    gone = {str(b): o["reason"] for b, o in dq.items() if b in bibs and o["round_id"] == row["id"]}
    left = {b: o for b, o in withdrawn.items() if b in bibs and o["round_id"] == row["id"]}
    if gone:
        result["disqualified"] = gone
    if not left:
        return
    result["withdrawn"] = {str(b): o["reason"] for b, o in left.items()}
    reasons = result.get("reasons")
    if reasons is None:
        return
    said = result.get("reasons_said", {})  # the same reasons as Message trees (rounds computed before: none)
    for bib, outcome in left.items():
        key = str(bib)
        before = from_tree(said[key]) if key in said else reasons.get(key, "")
        explained = _("{note} {reason}", note=_withdrawn_note(outcome, dances, row["id"]), reason=before)
        reasons[key] = str(explained)
        if key in said:
            said[key] = to_tree(explained)


def _withdrawn_note(outcome: sqlite3.Row, dances: list[str], round_id: int) -> Message:
    """What the box did for a couple withdrawn in a final: the dances it missed placed last by every judge."""
    missed = [d for d in dances if d not in danced(outcome, round_id)]
    if not missed:
        return _("Withdrawn ({reason}) after dancing every dance.", reason=outcome["reason"])
    did = ", ".join(d for d in dances if d not in missed)
    return _(
        "Withdrawn ({reason}) after dancing {danced}: placed last in {missed} by every judge "
        "(marks filled by the box, as the rules say).",
        reason=outcome["reason"],
        danced=did or _("none"),
        missed=", ".join(missed),
    )


def labelled(
    conn: sqlite3.Connection, event_id: int, placings: list[Placing], names: dict, language: str = SOURCE
) -> list[Placing]:
    """The event's places with "withdrawn" for a withdrawn couple (a final still places it, the label says why),
    then the withdrawn couples no round placed, then the disqualified ones ("DQ"): never silently ranked. Their
    reasons are said in `language` (the asker's; English, the source, for the files made from them)."""
    withdrawn, dq = of_event(conn, event_id)
    found = [
        msgspec.structs.replace(p, label="withdrawn") if p.bib in withdrawn else p for p in placings if p.bib not in dq
    ]
    placed = {p.bib for p in found}
    for bib, outcome, label in [(b, o, "withdrawn") for b, o in withdrawn.items() if b not in placed] + [
        (b, o, "DQ") for b, o in dq.items()
    ]:
        row = rounds_db.get_round(conn, outcome["round_id"]) if outcome["round_id"] is not None else None
        couple = names[bib]
        found.append(
            Placing(
                bib,
                couple.leader,
                couple.follower,
                None,
                0,
                0,
                row["name"] if row is not None else "",
                reason=translate(_absent(label, outcome), language),
                label=label,
            )
        )
    return found


def _absent(label: str, outcome: sqlite3.Row) -> Message:
    """ "withdrawn: injury", "disqualified: conduct" or "disqualified for the step limit: ..." (plain words)."""
    if label == "withdrawn":
        return _("withdrawn: {reason}", reason=outcome["reason"])
    if outcome["step_limit"]:
        return _("disqualified for the step limit: {reason}", reason=outcome["reason"])
    return _("disqualified: {reason}", reason=outcome["reason"])
