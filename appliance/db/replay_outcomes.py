"""`floorcraft verify`'s rebuild of withdrawals and disqualifications (issue #10 points 3 and 4) from the log:
the `entry_outcomes` rows and, for a disqualification, the final computed again without the couple; and the
chair's warnings for the step limit (`entry_warnings`)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from appliance.db import marks as marks_db
from appliance.db import outcomes as db


def _withdrawn(conn: sqlite3.Connection, entry_id: int, p: dict) -> None:
    db.set_outcome(conn, entry_id, "withdrawn", p["round_id"], p["danced"], p["reason"], p["by"])


def _disqualified(conn: sqlite3.Connection, entry_id: int, p: dict) -> None:
    db.set_outcome(conn, entry_id, "disqualified", p["round_id"], [], p["reason"], p["by"], p.get("step_limit", False))
    again = p.get("recomputed")
    if again is None:
        return
    kind = conn.execute("SELECT kind FROM rounds WHERE id = ?", (again["round_id"],)).fetchone()[0]
    marks_db.save_result(conn, again["round_id"], kind, json.dumps(again["result"]), again["sheets_checksum"])
    if again["official"]:
        marks_db.set_official(conn, again["round_id"])


def _warned(conn: sqlite3.Connection, entry_id: int, p: dict) -> None:
    db.set_warning(conn, entry_id, p["round_id"], p["reason"], p["by"])


JSON_COLUMNS = {("entry_outcomes", "danced")}
HANDLERS: dict[str, Callable[..., None]] = {
    "couple.withdrawn": _withdrawn,
    "couple.disqualified": _disqualified,
    "couple.warned": _warned,
}
