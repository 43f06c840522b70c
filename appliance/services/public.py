"""The public state: what the hall's screen and the audience's phones may see, in one snapshot."""

from __future__ import annotations

import sqlite3

import msgspec

from appliance.db import changelog
from appliance.db import competitions as comp_db
from appliance.db import marks as marks_db
from appliance.db import rounds as rounds_db
from appliance.services import running_order
from appliance.services.results import round_result

SHOWN = ("running", "computed", "awaiting_chair", "closed", "official")


def public_state(conn: sqlite3.Connection, floor: int | None = None) -> dict:
    """Floors (now, next), rounds being judged (how many judges sent each dance), and results so far."""
    seq, _ = changelog.head(conn)
    floors, rounds, results = [], [], []
    for competition in comp_db.list_competitions(conn):
        for f in competition.floors:
            if floor is None or f.id == floor:
                floors.append(msgspec.to_builtins(running_order.status_tx(conn, f.id)))
        for event in comp_db.list_events(conn, competition.id):
            if floor is not None and event.floor_id != floor:
                continue
            judges = len(marks_db.panel(conn, event.id))
            for row in rounds_db.rounds_of(conn, event.id):
                if row["state"] not in SHOWN:
                    continue
                sent = {}
                for sheet in marks_db.sheets_of(conn, row["id"]):
                    sent[sheet["dance"]] = sent.get(sheet["dance"], 0) + 1
                rounds.append({"round_id": row["id"], "event_id": event.id, "event": event.name, "round": row["name"],
                               "kind": row["kind"], "state": row["state"], "judges": judges,
                               "sent": {d: sent.get(d, 0) for d in event.dances}})
                if marks_db.get_result(conn, row["id"]) is not None:
                    r = round_result(conn, row["id"])
                    results.append({"round_id": r.round_id, "event_id": r.event_id, "event": r.event,
                                    "round": r.round, "kind": r.kind, "official": r.official,
                                    "recalled": r.recalled, "tie_at_cut": r.tie_at_cut, "places": r.places,
                                    "dances": r.dances, "reasons": r.reasons})
    return {"seq": seq, "floors": floors, "rounds": rounds, "results": results}
