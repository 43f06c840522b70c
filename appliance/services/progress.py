"""The desk's view of who has sent what: per active round and dance, the sheets sent and missing, and the judges
late (letter and name) with the time they have been waited for; each device's last contact."""

from __future__ import annotations

import sqlite3

from appliance.db import competitions as comp_db
from appliance.db import devices as dev_db
from appliance.db import marks as db
from appliance.db import progress as progress_db
from appliance.db import rounds as rounds_db
from appliance.model.marks import DanceProgress, DeviceSeen, Fleet, LateJudge, RoundProgress
from appliance.services import Context, lookups

ACTIVE = ("drawn", "running", "computed", "awaiting_chair")


def _dance(
    dance: str, panel: list[sqlite3.Row], sent: set[tuple[str, str]], started: str | None, first: str | None
) -> DanceProgress:
    done = [p["letter"] for p in panel if (dance, p["letter"]) in sent]
    missing = [p for p in panel if (dance, p["letter"]) not in sent]
    since, since_what = (first, "first_sheet") if first else (started, "started") if started else (None, None)
    late = [LateJudge(p["letter"], p["name"]) for p in missing] if since else []
    return DanceProgress(
        dance,
        done,
        [p["letter"] for p in missing],
        late,
        started,
        first,
        since if late else None,
        since_what if late else None,
    )


def _round(conn: sqlite3.Connection, event_name: str, dances: list[str], row: sqlite3.Row) -> RoundProgress:
    panel = db.round_panel(conn, row["id"])
    sent = {(s["dance"], s["letter"]) for s in db.sheets_of(conn, row["id"])}
    live = row["state"] == "running"  # a drawn round has not begun; a computed one waits for nobody
    started = progress_db.dances_started(conn, row["id"]) if live else {}
    first = progress_db.first_sheets(conn, row["id"]) if live else {}
    parts = [_dance(d, panel, sent, started.get(d), first.get(d)) for d in dances]
    return RoundProgress(row["id"], event_name, row["name"], row["state"], parts)


def _progress(conn: sqlite3.Connection, competition_id: int, now: str) -> Fleet:
    lookups.competition(conn, competition_id)
    rounds = [
        _round(conn, event.name, event.dances, row)
        for event in comp_db.list_events(conn, competition_id)
        for row in rounds_db.rounds_of(conn, event.id)
        if row["state"] in ACTIVE
    ]
    devices = [
        DeviceSeen(d["id"], d["role"], d["letter"], d["last_seen"], bool(d["revoked"]))
        for d in dev_db.list_devices(conn)
        if d["competition_id"] in (None, competition_id)
    ]
    return Fleet(rounds, devices, now)


async def progress(ctx: Context, competition_id: int) -> Fleet:
    now = ctx.store.clock()  # the same form as the change log's times
    return await ctx.store.read(lambda conn: _progress(conn, competition_id, now))
