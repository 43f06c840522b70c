"""The public state: what the hall's screen and the audience's phones may see, in one snapshot."""

from __future__ import annotations

import json
import sqlite3

import msgspec

from appliance.db import changelog
from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import rounds as rounds_db
from appliance.scoring.standings import RoundOutcome, Standing, label, standings
from appliance.services import running_order
from appliance.services.results import outcomes, round_result

SHOWN = ("running", "computed", "awaiting_chair", "closed", "official")


def public_state(conn: sqlite3.Connection, floor: int | None = None) -> dict:
    """Floors (now, next), rounds being judged (how many judges sent each dance), and results so far."""
    seq, _ = changelog.head(conn)
    floors, rounds, results, placed = [], [], [], []
    for competition in comp_db.list_competitions(conn):
        for f in competition.floors:
            if floor is None or f.id == floor:
                floors.append(msgspec.to_builtins(running_order.status_tx(conn, f.id)))
        for event in comp_db.list_events(conn, competition.id):
            if floor is not None and event.floor_id != floor:
                continue
            placings = standings(outcomes(conn, event.id))
            if placings:
                placed.append({"event_id": event.id, "event": event.name, "places": public_places(placings)})
            for row in rounds_db.rounds_of(conn, event.id):
                if row["state"] not in SHOWN:
                    continue
                judges = len(marks_db.round_panel(conn, row["id"]))
                sent: dict[str, int] = {}
                for sheet in marks_db.sheets_of(conn, row["id"]):
                    sent[sheet["dance"]] = sent.get(sheet["dance"], 0) + 1
                rounds.append(
                    {
                        "round_id": row["id"],
                        "event_id": event.id,
                        "event": event.name,
                        "round": row["name"],
                        "kind": row["kind"],
                        "state": row["state"],
                        "judges": judges,
                        "sent": {d: sent.get(d, 0) for d in event.dances},
                    }
                )
                if marks_db.get_result(conn, row["id"]) is not None:
                    r = round_result(conn, row["id"])
                    results.append(
                        {
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
                            "reasons": r.reasons,
                        }
                    )
    return {"seq": seq, "floors": floors, "rounds": rounds, "results": results, "standings": placed}


def public_places(placings: list[Standing]) -> list[dict]:
    """Every placed couple of an event by bib (no names: the public pages show bibs), best first."""
    return [
        {
            "bib": s.bib,
            "place": s.place,
            "place_from": s.place_from,
            "place_to": s.place_to,
            "label": label(s.place_from, s.place_to),
            "round": s.round,
            "crosses": s.crosses,
        }
        for s in placings
    ]


PUBLISHED = ("round.computed", "round.recomputed", "round.decided", "result.official")


def published(rows: list) -> dict:
    """The published results from change-log rows (the box's own, or the cloud's copy): computed rounds only,
    with their marks, reasons, the chair's decision at a tie and whether the result is official."""
    rounds: dict[int, dict] = {}
    for row in rows:
        seq, kind, _, payload_text = tuple(row)[:4]
        payload = json.loads(payload_text)
        round_id = payload["round_id"]
        if kind in ("round.computed", "round.recomputed"):
            result = payload["result"]
            rounds[round_id] = {
                "round_id": round_id,
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
                "reasons": result.get("reasons"),
                "marks": payload.get("marks"),
            }
        elif round_id in rounds and kind == "round.decided":
            chosen = next((o for o in _cut_options(rounds[round_id]) if len(o) == payload["recall"]), None)
            rounds[round_id]["recalled"] = chosen
        elif round_id in rounds and kind == "result.official":
            rounds[round_id]["official"] = True
    events: dict[int, dict] = {}
    for item in sorted(rounds.values(), key=lambda r: r["seq"]):
        event = events.setdefault(
            item["event_id"], {"event_id": item["event_id"], "event": item["event"], "rounds": []}
        )
        event["rounds"].append(item)
    for event in events.values():
        ordered = sorted(event["rounds"], key=lambda r: r["round_id"])  # a plan's rounds get ids in order
        event["standings"] = public_places(standings([_outcome(r) for r in ordered]))
    return {"events": list(events.values())}


def _outcome(item: dict) -> RoundOutcome:
    return RoundOutcome(item["round"], item["kind"], item["totals"], item["recalled"], item["places"], item["reasons"])


def _cut_options(item: dict) -> list[list[int]]:
    totals = item.get("totals") or {}
    levels = sorted(set(totals.values()), reverse=True)
    return [sorted(int(b) for b, t in totals.items() if t >= level) for level in levels]


def published_here(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(
        "SELECT seq, kind, entity, payload FROM change_log WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (json.dumps(PUBLISHED),),
    ).fetchall()
    return published(rows)
