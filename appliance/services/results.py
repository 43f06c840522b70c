"""Results: a round is computed when its last sheet arrives; recalled couples advance; the chair decides and
signs off."""

from __future__ import annotations

import hashlib
import json
import sqlite3

from appliance.db import marks as db
from appliance.db import registration as reg_db
from appliance.db import rounds as rounds_db
from appliance.errors import Conflict, Invalid
from appliance.i18n import SOURCE, _, from_tree, translate
from appliance.model.competition import Event
from appliance.model.marks import EventResults, Placing, RoundResult
from appliance.planning import draw_heats
from appliance.scoring import count_recall, place_final
from appliance.scoring.explain import number, reasons, reasons_said
from appliance.scoring.standings import RoundOutcome, label, standings
from appliance.services import Context, absences, joining, lookups
from appliance.words import round_name, state_word


def _complete_marks(conn: sqlite3.Connection, row: sqlite3.Row, event: Event):
    """Every sheet of the round's own panel for every dance, or None while one is missing."""
    letters = [p["letter"] for p in db.round_panel(conn, row["id"])]
    sheets = {(s["dance"], s["letter"]): s for s in db.sheets_of(conn, row["id"])}
    if not letters or any((d, j) not in sheets for d in event.dances for j in letters):
        return None
    checksums = {d: {j: sheets[(d, j)]["checksum"] for j in letters} for d in event.dances}
    checksum = hashlib.sha256("".join(checksums[d][j] for d in event.dances for j in letters).encode()).hexdigest()[:16]
    marks = {d: {j: json.loads(sheets[(d, j)]["marks"]) for j in letters} for d in event.dances}
    return letters, marks, checksum, checksums


def _compute(
    row: sqlite3.Row, event: Event, bibs: list[int], letters: list[str], marks: dict, recall: int | None
) -> dict:
    if row["kind"] == "recall":
        result = count_recall(letters, event.dances, bibs, recall or 0, marks)
        return {
            "totals": {str(b): t for b, t in result.totals.items()},
            "recalled": list(result.recalled) if result.recalled is not None else None,
            "tie_at_cut": result.tie_at_cut,
            "cut_options": [list(o) for o in result.cut_options],
            "warnings": [str(w) for w in result.warnings],  # English in the log (a Message is not JSON)
        }
    by_couple = {d: {str(b): [marks[d][j][str(b)] for j in letters] for b in bibs} for d in event.dances}
    final = place_final(letters, event.dances, by_couple)
    return {
        "places": {c: number(p) for c, p in final.places.items()},
        "dances": {d: {c: number(p) for c, p in pl.places.items()} for d, pl in final.dances.items()},
        "decided_by": {c: f"Rule {d.rule}" for c, d in final.decisions.items()},
        "reasons": reasons(final),
        "reasons_said": reasons_said(final),  # the same, to be said in the reader's language (services/public.py)
    }


def compute_if_complete(ctx: Context, conn: sqlite3.Connection, round_id: int, recompute: bool = False) -> str:
    """Inside the sheet's transaction: compute the round once all sheets are in; returns the round's state."""
    row = lookups.round_row(conn, round_id)
    event = lookups.event(conn, row["event_id"])
    if db.sheet_count(conn, round_id) < len(db.round_panel(conn, round_id)) * len(event.dances):
        return row["state"]  # the common case: cheap, one count
    computed = computation(conn, row, event)
    if computed is None:
        return row["state"]
    letters, marks, bibs, result, checksum = computed
    db.save_result(conn, round_id, row["kind"], json.dumps(result), checksum)
    tie = row["kind"] == "recall" and result["tie_at_cut"]
    state = "awaiting_chair" if tie else "computed"
    rounds_db.set_round_state(conn, round_id, state)
    ctx.log(
        conn,
        "round.recomputed" if recompute else "round.computed",
        f"round/{round_id}",
        {
            "round_id": round_id,
            "event_id": event.id,
            "event": event.name,
            "round": row["name"],
            "kind": row["kind"],
            "state": state,
            "sheets_checksum": checksum,
            "result": result,
            "marks": _sheet_format(row, event, bibs, letters, marks),
        },
    )
    if row["kind"] == "recall" and not tie:
        _advance(ctx, conn, row, event, result["recalled"])
        return "closed"
    return state


def computation(conn: sqlite3.Connection, row: sqlite3.Row, event: Event):
    """(letters, marks, bibs, result, checksum) once every sheet is in, else None: the marks and couples as
    computed, withdrawn couples' places filled and disqualified couples removed (services/absences.py)."""
    complete = _complete_marks(conn, row, event)
    if complete is None:
        return None
    letters, marks, checksum, checksums = complete
    bibs, marks, recall, stamp = absences.adjust(
        conn, row, event.dances, list(db.round_bibs(conn, row["id"])), letters, marks
    )
    result = _compute(row, event, bibs, letters, marks, recall)
    result["sheet_checksums"] = checksums
    absences.annotate(conn, row, event.dances, list(db.round_bibs(conn, row["id"])), result)
    return letters, marks, bibs, result, absences.stamped(checksum, stamp)


def require_correctable(conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """A computed round may be corrected until the result is official or the next round has started."""
    result = db.get_result(conn, row["id"])
    if result is not None and result["official"]:
        raise Conflict(_("the result is official and can no longer change"), "round_id")
    following = [r for r in rounds_db.rounds_of(conn, row["event_id"]) if r["number"] == row["number"] + 1]
    if following and following[0]["state"] not in ("planned", "drawn"):
        raise Conflict(_("the next round has started: this round can no longer change"), "round_id")
    if following and following[0]["redance_of"] == row["id"]:  # its couples are drawn into the redance
        message = _(
            "the {round}'s couples are drawn into the redance: it can no longer change", round=round_name(row["name"])
        )
        raise Conflict(message, "round_id")


def _advance(ctx: Context, conn: sqlite3.Connection, row: sqlite3.Row, event: Event, recalled: list[int]) -> None:
    """The recalled couples go through: the next round gets them, its heats are drawn, the floor's order grows."""
    nxt, couples = joining.target(ctx, conn, row, event, recalled)  # star couples, a redance (services/joining)
    rounds_db.set_round_couples(conn, nxt["id"], couples)
    heats = draw_heats(
        couples, event.dances, event.max_per_heat, nxt["seed"], event.redraw_per_dance, final=nxt["kind"] == "final"
    )
    rounds_db.set_heats(conn, nxt["id"], heats)
    conn.execute("UPDATE rounds SET planned_couples = ?, state = 'drawn' WHERE id = ?", (len(couples), nxt["id"]))
    db.freeze_round_panel(conn, nxt["id"])
    if conn.execute("SELECT 1 FROM schedule WHERE round_id = ?", (nxt["id"],)).fetchone() is None:
        rounds_db.schedule_round(conn, event.floor_id, nxt["id"])
    rounds_db.set_round_state(conn, row["id"], "closed")
    ctx.log(
        conn,
        "round.advanced",
        f"round/{nxt['id']}",
        {
            "event_id": event.id,
            "from_round": row["id"],
            "round_id": nxt["id"],
            "round": nxt["name"],
            "recalled": sorted(recalled),
            "couples": couples,
            "heats": rounds_db.heats_by_bib(conn, nxt["id"]),
        },
    )


async def decide_cut(ctx: Context, round_id: int, recall: int) -> RoundResult:
    """The chair's choice at a tie on the cut: one of the two options, by its number of couples."""

    def tx(conn: sqlite3.Connection) -> RoundResult:
        row, event, result = _loaded(conn, round_id)
        if row["state"] != "awaiting_chair":
            raise Conflict(
                _("the {round} is not waiting for the chair's decision", round=round_name(row["name"])), "round_id"
            )
        options = {len(o): o for o in result["cut_options"]}
        if recall not in options:
            raise Invalid(_("recall one of {options} couples (the tie at the cut)", options=sorted(options)), "recall")
        db.set_decision(conn, round_id, json.dumps({"recall": recall}))
        ctx.log(conn, "round.decided", f"round/{round_id}", {"round_id": round_id, "recall": recall})
        _advance(ctx, conn, row, event, options[recall])
        return round_result(conn, round_id)

    return await ctx.store.write(tx)


async def sign_off(ctx: Context, round_id: int) -> RoundResult:
    """The chair makes a final's result official."""

    def tx(conn: sqlite3.Connection) -> RoundResult:
        row, event, _result = _loaded(conn, round_id)
        if row["kind"] != "final" or row["state"] != "computed":
            message = _(
                "only a computed final can be signed off (the {round} is {state})",
                round=round_name(row["name"]),
                state=state_word(row["state"]),
            )
            raise Conflict(message, "round_id")
        db.set_official(conn, round_id)
        rounds_db.set_round_state(conn, round_id, "official")
        stored = _stored(conn, row)
        result = json.loads(stored["result"])
        ctx.log(
            conn,
            "result.official",
            f"round/{round_id}",
            {
                "round_id": round_id,
                "event_id": event.id,
                "sheets_checksum": stored["sheets_checksum"],
                "withdrawn": result.get("withdrawn", {}),
                "disqualified": result.get("disqualified", {}),
            },
        )
        return round_result(conn, round_id)

    return await ctx.store.write(tx)


def _stored(conn: sqlite3.Connection, row: sqlite3.Row) -> sqlite3.Row:
    stored = db.get_result(conn, row["id"])
    if stored is None:
        raise Conflict(_("the {round} has no result yet", round=round_name(row["name"])), "round_id")
    return stored


def _loaded(conn: sqlite3.Connection, round_id: int) -> tuple[sqlite3.Row, Event, dict]:
    row = lookups.round_row(conn, round_id)
    return row, lookups.event(conn, row["event_id"]), json.loads(_stored(conn, row)["result"])


def round_result(conn: sqlite3.Connection, round_id: int) -> RoundResult:
    row, event, result = _loaded(conn, round_id)
    stored = _stored(conn, row)
    decision = json.loads(stored["decision"]) if stored["decision"] else None
    recalled = result.get("recalled")
    if decision is not None:
        recalled = next(o for o in result["cut_options"] if len(o) == decision["recall"])
    return RoundResult(
        row["id"],
        event.id,
        event.name,
        row["name"],
        row["kind"],
        row["state"],
        bool(stored["official"]),
        stored["sheets_checksum"],
        result.get("totals"),
        recalled,
        result.get("tie_at_cut", False),
        result.get("cut_options"),
        result.get("places"),
        result.get("dances"),
        result.get("decided_by"),
        result.get("reasons"),
        result.get("warnings", []),
        result.get("sheet_checksums", {}),
        result.get("withdrawn", {}),
        result.get("disqualified", {}),
    )


async def get_round_result(ctx: Context, round_id: int) -> RoundResult:
    return await ctx.store.read(lambda conn: round_result(conn, round_id))


def said_reasons(result: dict, language: str) -> dict | None:
    """A final's reasons: as stored (English), or said in `language` where the round stored them as Messages
    (`reasons_said`: rounds computed before it was stored keep their English)."""
    reasons, said = result.get("reasons"), result.get("reasons_said")
    if reasons is None or not said or language == SOURCE:
        return reasons
    return {bib: translate(from_tree(said[bib]), language) if bib in said else text for bib, text in reasons.items()}


def outcomes(conn: sqlite3.Connection, event_id: int, language: str = SOURCE) -> list[RoundOutcome]:
    """The event's computed rounds in order, as the standings read them (the chair's decision applied; a final's
    reasons said in `language`)."""
    found = []
    rounds = rounds_db.rounds_of(conn, event_id)
    withdrawn, disqualified = absences.of_event(conn, event_id)
    dq = {b: o["couple_id"] for b, o in disqualified.items()}  # out of the result
    kinds = {r["id"]: r["kind"] for r in rounds}
    # nobody's place: the disqualified, and the couples withdrawn in a recall round (a final still places them)
    unplaced = set(dq) | {b for b, o in withdrawn.items() if kinds.get(o["round_id"]) != "final"}
    for i, row in enumerate(rounds):
        stored = db.get_result(conn, row["id"])
        if stored is None:
            continue
        result = json.loads(stored["result"])
        decision = json.loads(stored["decision"]) if stored["decision"] else None
        recalled = result.get("recalled")
        if decision is not None:
            recalled = next(o for o in result["cut_options"] if len(o) == decision["recall"])
        if recalled is not None:
            recalled = joining.went_through(conn, rounds, i, recalled)
        following = len(joining.further(conn, rounds, i) - unplaced)  # a redance's and star couples too
        totals = result.get("totals")
        if totals is not None and recalled is not None:
            totals = {b: t for b, t in totals.items() if int(b) not in dq}
            recalled = [b for b in recalled if b not in dq]
        found.append(
            RoundOutcome(
                row["name"],
                row["kind"],
                totals,
                recalled,
                result.get("places"),
                said_reasons(result, language),
                None if recalled is None else following or len(set(recalled) - unplaced),
            )
        )
    return found


def event_results(conn: sqlite3.Connection, event_id: int, language: str = SOURCE) -> EventResults:
    """Every placed couple: the final's places, then each recall round's couples out, below all who went
    further, by crosses (scoring/standings.py), also while the later rounds still run (the withdrawn and
    disqualified couples' reasons said in `language`)."""
    event = lookups.event(conn, event_id)
    names = {
        c.bib: c for c in (e.couple for e in reg_db.list_entries(conn, event.competition_id) if e.event_id == event_id)
    }
    official = any(
        r["kind"] == "final" and (s := db.get_result(conn, r["id"])) is not None and bool(s["official"])
        for r in rounds_db.rounds_of(conn, event_id)
    )
    placings = [
        Placing(
            s.bib,
            names[s.bib].leader,
            names[s.bib].follower,
            s.place,
            s.place_from,
            s.place_to,
            s.round,
            s.crosses,
            s.reason,
            label(s.place_from, s.place_to),
        )
        for s in standings(outcomes(conn, event_id, language))
    ]
    return EventResults(event.id, event.name, official, absences.labelled(conn, event_id, placings, names, language))


def skate_sheet(conn: sqlite3.Connection, round_id: int) -> dict:
    """A computed round's marks in the calculator's format (docs/skate-format.md): `floorcraft skate` input."""
    row, event, _result = _loaded(conn, round_id)
    letters, marks, bibs, _res, _sum = computation(conn, row, event)
    return _sheet_format(row, event, bibs, letters, marks)


def _sheet_format(row: sqlite3.Row, event: Event, bibs: list[int], letters: list[str], marks: dict) -> dict:
    if row["kind"] == "recall":
        return {
            "type": "recall",
            "judges": letters,
            "dances": event.dances,
            "couples": bibs,
            "recall": min(row["recall"], len(bibs)),
            "marks": marks,
        }
    return {
        "type": "final",
        "judges": letters,
        "dances": event.dances,
        "marks": {d: {str(b): [marks[d][j][str(b)] for j in letters] for b in bibs} for d in event.dances},
    }


async def get_skate_sheet(ctx: Context, round_id: int) -> dict:
    return await ctx.store.read(lambda conn: skate_sheet(conn, round_id))


async def get_event_results(ctx: Context, event_id: int, language: str = SOURCE) -> EventResults:
    return await ctx.store.read(lambda conn: event_results(conn, event_id, language))
