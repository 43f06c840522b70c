"""The scrutineer's marks report in the conventional layout, and the chair's report's entries (pure)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import msgspec

from appliance.cli import calculator
from appliance.i18n import _, _n
from appliance.model.marks import RoundResult
from appliance.printing.words import dance_name
from appliance.scoring.explain import number, ordinal_words, reason_words
from appliance.scoring.multidance import FinalResult
from appliance.scoring.recall import RecallResult, natural_key
from appliance.scoring.skating import Columns
from appliance.services.joining_log import WORDS_KINDS, in_words
from appliance.words import round_name, state_word


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
        "state_said": state_word(result["state"]),
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
                "reason": reason_words(computed.decisions[c], len(computed.judges)),
            }
            for c in order
        ],
    }


def _rule10(step: Any) -> dict:
    return {
        "place": ordinal_words(step.place),
        "rows": [
            {"bib": c, "dances": count, "sum": number(Fraction(sum2, 2)), "wins": c in step.winners}
            for c, (count, sum2) in step.standing.items()
        ],
    }


def _rule11(step: Any) -> dict:
    n = len(next(iter(step.columns.values())).counts)
    return {
        "place": ordinal_words(step.place),
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
        said = _said(kind, p, couple)
        if said is not None:
            section, what = said
            out[section].append({"seq": e["seq"], "at": e["at"], "round": where, "what": what})
    return out


def _said(kind: str, p: dict, couple: Callable[[int], str]) -> tuple[str, Any] | None:
    """The chair's report's section and words for one change-log entry (None: not the report's)."""
    if kind == "round.decided" and p.get("redance"):
        tied = p["redance"]["tied"]
        what = _("a redance of the {n} tied couples, recalling {recall}", n=len(tied), recall=p["redance"]["recall"])
        return "decisions", _("{what} (tie at the cut)", what=what)
    if kind in WORDS_KINDS:  # star couples, redances (services/joining_log.py)
        return "decisions", in_words(kind, p, couple)
    if kind == "round.decided":
        return "decisions", _("recall {n} couples (tie at the cut)", n=p["recall"])
    if kind == "panel.set":
        return "decisions", _("panel set: {letters}", letters=" ".join(p.get("letters", [])))
    if kind == "sheet.corrected":
        return "corrections", _(
            "judge {judge}, {dance}: sheet corrected", judge=p["judge"], dance=dance_name(p["dance"])
        )
    return _said_of_couple(kind, p, couple) or _said_of_round(kind, p)


def _said_of_couple(kind: str, p: dict, couple: Callable[[int], str]) -> tuple[str, Any] | None:
    if kind == "entry.scratched":
        return "withdrawals", _("{couple} withdrawn", couple=couple(p["couple_id"]))
    if kind == "couple.withdrawn":
        return "withdrawals", _("{couple} withdrawn: {reason}", couple=couple(p["couple_id"]), reason=p["reason"])
    if kind == "couple.disqualified":
        who = couple(p.get("couple_id", 0))
        what = (
            _("{couple} disqualified for the step limit", couple=who)
            if p.get("step_limit")
            else _("{couple} disqualified", couple=who)
        )
        return "disqualifications", _("{what}: {reason}", what=what, reason=p["reason"]) if p.get("reason") else what
    if kind == "couple.warned":
        return "warnings", _(
            "{couple} warned for the step limit: {reason}", couple=couple(p["couple_id"]), reason=p["reason"]
        )
    return None


def _said_of_round(kind: str, p: dict) -> tuple[str, Any] | None:
    if kind == "result.official":
        return "sign_offs", _("the chair signed off the result: official")
    if kind in ("round.computed", "round.recomputed"):
        checksum = p.get("sheets_checksum", "")
        tie = p.get("state") == "awaiting_chair"
        if kind == "round.recomputed":
            what = (
                _(
                    "computed again (after a correction), a tie at the cut for the chair, sheets checksum {checksum}",
                    checksum=checksum,
                )
                if tie
                else _("computed again (after a correction), sheets checksum {checksum}", checksum=checksum)
            )
        else:
            what = (
                _("computed, a tie at the cut for the chair, sheets checksum {checksum}", checksum=checksum)
                if tie
                else _("computed, sheets checksum {checksum}", checksum=checksum)
            )
        return "computations", what
    if kind == "round.advanced":
        recalled = len(p.get("recalled", []))
        into = round_name(p["round"]) if p.get("round") else _("next round")
        return "computations", _n(
            "{n} couple recalled to the {round}", "{n} couples recalled to the {round}", recalled, round=into
        )
    return None
