"""`floorcraft skate`: one round computed from a sheet of marks, as JSON or as a scrutineer's report."""

from __future__ import annotations

from typing import Any

import msgspec

from appliance.i18n import _
from appliance.model.skate import FinalSheet, RecallSheet, Sheet
from appliance.scoring import MarksError, count_recall, place_final
from appliance.scoring.explain import Say, final_report, half, number, reasons, recall_report
from appliance.scoring.multidance import FinalResult
from appliance.scoring.recall import RecallResult

_decoder = msgspec.json.Decoder(Sheet)


def parse_sheet(data: bytes) -> Sheet:
    """Decode a sheet; a malformed one raises MarksError naming the field at fault."""
    try:
        return _decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise MarksError(_("invalid sheet: {reason}", reason=str(exc))) from None
    except msgspec.DecodeError as exc:
        raise MarksError(_("not valid JSON: {reason}", reason=str(exc))) from None
    except RecursionError:
        raise MarksError(_("not a sheet: the JSON is nested too deeply")) from None


def compute(sheet: Sheet) -> FinalResult | RecallResult:
    if isinstance(sheet, FinalSheet):
        return place_final(sheet.judges, sheet.dances, sheet.marks)
    return count_recall(sheet.judges, sheet.dances, sheet.couples, sheet.recall, sheet.marks)


def final_json(result: FinalResult) -> dict[str, Any]:
    """The `--json` form of a final, as skate-format.md specifies, plus the working."""
    return {
        "type": "final",
        "result": {c: number(p) for c, p in result.places.items()},
        "dances": {d: {c: number(p) for c, p in placing.places.items()} for d, placing in result.dances.items()},
        "decided_by": {c: f"Rule {d.rule}" for c, d in result.decisions.items()},
        "reasons": reasons(result),
        "totals": {c: half(t) for c, t in result.totals2.items()},
        "majority": {d: placing.majority for d, placing in result.dances.items()},
        "rule10": [
            {
                "place": s.place,
                "standing": {c: {"count": n, "sum": half(s2)} for c, (n, s2) in s.standing.items()},
                "winners": list(s.winners),
            }
            for s in result.rule10
        ],
        "rule11": [
            {
                "place": s.place,
                "majority": s.majority,
                "marks": s.marks,
                "winners": list(s.winners),
                "columns": {c: {"counts": list(col.counts), "sums": list(col.sums)} for c, col in s.columns.items()},
            }
            for s in result.rule11
        ],
    }


def recall_json(result: RecallResult) -> dict[str, Any]:
    return {
        "type": "recall",
        "totals": {str(c): t for c, t in result.totals.items()},
        "tie_at_cut": result.tie_at_cut,
        "recalled": list(result.recalled) if result.recalled is not None else None,
        "cut_options": [list(o) for o in result.cut_options],
        "ranking": list(result.ranking),
        "warnings": list(result.warnings),
    }


def to_json(result: FinalResult | RecallResult) -> dict[str, Any]:
    return final_json(result) if isinstance(result, FinalResult) else recall_json(result)


def to_report(sheet: Sheet, result: FinalResult | RecallResult, say: Say = str) -> str:
    """The scrutineer's text report of a round; `say`: how its words are said (English, or a translation)."""
    if isinstance(result, FinalResult):
        return final_report(result, say)
    if not isinstance(sheet, RecallSheet):
        raise TypeError("a recall result needs its recall sheet")
    return recall_report(result, len(sheet.judges), len(sheet.dances), say)
