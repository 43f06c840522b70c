"""SQL for the printed documents (read-only): the change-log rows about one event, for the chair's report."""

from __future__ import annotations

import json
import sqlite3

CHAIR_KINDS = (
    "panel.set",
    "round.computed",
    "round.recomputed",
    "round.decided",
    "round.advanced",
    "result.official",
    "sheet.corrected",
    "entry.scratched",
    "couple.withdrawn",
    "couple.disqualified",
    "couple.warned",
    "star.seeded",
    "event.redance_set",
    "event.star_deadline_set",
    "round.redance_added",
)
"""What the chair's report lists: panels, decisions, corrections, withdrawals, disqualifications, warnings,
sign-offs."""


def event_log(conn: sqlite3.Connection, event_id: int, round_ids: list[int]) -> list[dict]:
    """The change-log rows of CHAIR_KINDS about the event or one of its rounds, oldest first."""
    rows = conn.execute(
        """SELECT seq, kind, entity, payload, at FROM change_log
           WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY seq""",
        (json.dumps(CHAIR_KINDS),),
    )
    rounds = {f"round/{r}" for r in round_ids}
    found = []
    for seq, kind, entity, payload, at in rows:
        data = json.loads(payload)
        if entity in rounds or entity == f"event/{event_id}" or data.get("event_id") == event_id:
            found.append({"seq": seq, "kind": kind, "at": at, "payload": data})
    return found
