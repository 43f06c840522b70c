"""The scrutineer's marks report in the conventional layout, and the chair's report's entries (pure)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import msgspec

from appliance import calculator
from appliance.model.marks import RoundResult
from appliance.scoring.explain import number, ordinal, reason
from appliance.scoring.multidance import FinalResult
from appliance.scoring.recall import RecallResult, natural_key
from appliance.scoring.skating import Columns
from appliance.services.joining_log import WORDS_KINDS, in_words


def cell(col: Columns, k: int) -> str:
    """A cumulative column's cell: "-" (none), the count ("1" column), or count(sum)."""
    count = col.counts[k - 1]
    if count == 0:
        return "-"
    return str(count) if k == 1 else f"{count}({col.sums[k - 1]})"


def status(result: RoundResult) -> dict:
    """What the marks report says of a round's state: official, checksum, the recalled couples (after a decision)."""
    return {
        "state": result.state,
        "official": result.official,
        "checksum": result.sheets_checksum,
        "recalled": result.recalled,
        "tie_at_cut": result.tie_at_cut,
        "cut_options": result.cut_options or [],
    }


def round_tables(
    name: str, sheet: dict, result: dict, judges: dict[str, str], dance_name: Callable[[str], str]
) -> dict:
    """One computed round's tables (`result`: its `status`): a recall round's crosses and cut, or a final's working."""
    computed = calculator.compute(calculator.parse_sheet(msgspec.json.encode(sheet)))
    head = {
        "name": name,
        "kind": sheet["type"],
        "state": result["state"],
        "official": result["official"],
        "checksum": result["checksum"],
        "judges": [{"letter": j, "name": judges.get(j, "")} for j in sheet["judges"]],
        "dances": [dance_name(d) for d in sheet["dances"]],
    }
    if isinstance(computed, FinalResult):
        return {**head, **_final(computed, dance_name)}
    return {**head, **_recall(sheet, computed, result)}


def _recall(sheet: dict, computed: RecallResult, result: dict) -> dict:
    judges, dances, marks = sheet["judges"], sheet["dances"], sheet["marks"]
    recalled = set(result["recalled"] or ())
    crossed = {d: {j: set(marks[d][j]) for j in judges} for d in dances}
    rows = [
        {
            "bib": c,
            "crosses": [["X" if c in crossed[d][j] else "" for j in judges] for d in dances],
            "total": computed.totals[c],
            "recalled": c in recalled,
        }
        for c in computed.ranking
    ]
    for i, row in enumerate(rows):  # the cut: under the last recalled couple
        row["cut"] = bool(recalled) and row["recalled"] and (i + 1 == len(rows) or not rows[i + 1]["recalled"])
    per_judge = [[len(crossed[d][j]) for j in judges] for d in dances]
    return {
        "recall": sheet["recall"],
        "rows": rows,
        "per_judge": per_judge,
        "recalled": sorted(recalled),
        "tie_at_cut": result["tie_at_cut"],
        "cut_options": [list(o) for o in result["cut_options"]],
        "warnings": list(computed.warnings),
        "cut_total": min((r["total"] for r in rows if r["recalled"]), default=None),
    }


def _final(computed: FinalResult, dance_name: Callable[[str], str]) -> dict:
    couples = sorted(computed.places2, key=natural_key)
    n = len(couples)
    dances = []
    for dance, placing in computed.dances.items():
        rows = [
            {
                "bib": c,
                "marks": list(placing.marks[c]),
                "columns": [cell(placing.columns[c], k) for k in range(1, n + 1)],
                "place": number(placing.decisions[c].place),
                "rule": placing.decisions[c].rule,
            }
            for c in sorted(placing.marks, key=natural_key)
        ]
        dances.append({"dance": dance_name(dance), "majority": placing.majority, "rows": rows})
    overall = [
        {
            "bib": c,
            "places": [number(p.places[c]) for p in computed.dances.values()],
            "total": number(Fraction(computed.totals2[c], 2)),
            "place": number(computed.places[c]),
            "rule": computed.decisions[c].rule,
        }
        for c in couples
    ]
    order = sorted(couples, key=lambda c: (computed.places2[c], natural_key(c)))
    return {
        "columns": ["1" if k == 1 else f"1-{k}" for k in range(1, n + 1)],
        "final_dances": dances,
        "overall": overall,
        "rule10": [_rule10(step) for step in computed.rule10],
        "rule11": [_rule11(step) for step in computed.rule11],
        "reasons": [
            {
                "bib": c,
                "place": number(computed.places[c]),
                "reason": reason(computed.decisions[c], len(computed.judges)),
            }
            for c in order
        ],
    }


def _rule10(step: Any) -> dict:
    return {
        "place": ordinal(step.place),
        "rows": [
            {"bib": c, "dances": count, "sum": number(Fraction(sum2, 2)), "wins": c in step.winners}
            for c, (count, sum2) in step.standing.items()
        ],
    }


def _rule11(step: Any) -> dict:
    n = len(next(iter(step.columns.values())).counts)
    return {
        "place": ordinal(step.place),
        "majority": step.majority,
        "marks": step.marks,
        "columns": [f"1-{k}" for k in range(step.place, n + 1)],
        "rows": [
            {"bib": c, "cells": [cell(col, k) for k in range(step.place, n + 1)], "wins": c in step.winners}
            for c, col in step.columns.items()
        ],
    }


def chair_events(entries: list[dict], rounds: dict[int, str], couple: Callable[[int], str]) -> dict:
    """The change log's entries about an event, sorted into the chair's report's sections, in words."""
    out: dict[str, list[dict]] = {
        "decisions": [],
        "corrections": [],
        "withdrawals": [],
        "disqualifications": [],
        "warnings": [],
        "sign_offs": [],
        "computations": [],
    }
    for e in entries:
        p, kind = e["payload"], e["kind"]
        where = rounds.get(p.get("round_id") or p.get("from_round") or 0, "")
        base = {"seq": e["seq"], "at": e["at"][:19].replace("T", " "), "round": where}
        if kind == "round.decided" and p.get("redance"):
            what = f"a redance of the {len(p['redance']['tied'])} tied couples, recalling {p['redance']['recall']}"
            out["decisions"].append({**base, "what": f"{what} (tie at the cut)"})
        elif kind in WORDS_KINDS:  # star couples, redances (services/joining_log.py)
            out["decisions"].append({**base, "what": in_words(kind, p, couple)})
        elif kind == "round.decided":
            out["decisions"].append({**base, "what": f"recall {p['recall']} couples (tie at the cut)"})
        elif kind == "panel.set":
            out["decisions"].append({**base, "what": f"panel set: {' '.join(p.get('letters', []))}"})
        elif kind == "sheet.corrected":
            out["corrections"].append({**base, "what": f"judge {p['judge']}, {p['dance']}: sheet corrected"})
        elif kind == "entry.scratched":
            out["withdrawals"].append({**base, "what": f"{couple(p['couple_id'])} withdrawn"})
        elif kind == "couple.withdrawn":
            out["withdrawals"].append({**base, "what": f"{couple(p['couple_id'])} withdrawn: {p['reason']}"})
        elif kind == "couple.disqualified":
            why = f": {p['reason']}" if p.get("reason") else ""
            ground = " for the step limit" if p.get("step_limit") else ""
            what = f"{couple(p.get('couple_id', 0))} disqualified{ground}{why}"
            out["disqualifications"].append({**base, "what": what})
        elif kind == "couple.warned":
            what = f"{couple(p['couple_id'])} warned for the step limit: {p['reason']}"
            out["warnings"].append({**base, "what": what})
        elif kind == "result.official":
            out["sign_offs"].append({**base, "what": "the chair signed off the result: official"})
        elif kind in ("round.computed", "round.recomputed"):
            again = " again (after a correction)" if kind == "round.recomputed" else ""
            tie = ", a tie at the cut for the chair" if p.get("state") == "awaiting_chair" else ""
            what = f"computed{again}{tie}, sheets checksum {p.get('sheets_checksum', '')}"
            out["computations"].append({**base, "what": what})
        elif kind == "round.advanced":
            what = f"{len(p.get('recalled', []))} couples recalled to the {p.get('round', 'next round')}"
            out["computations"].append({**base, "what": what})
    return out
