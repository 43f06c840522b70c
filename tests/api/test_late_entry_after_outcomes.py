"""A late entry after a withdrawal, a disqualification or a warning (found by a probe: a 500, FOREIGN KEY
constraint failed). A late entry draws the event's rounds again (a new plan before the event starts); the
withdrawal, the disqualification and the warning named a round of the old plan. Now they name the new round of the
same number, nothing is lost, and `floorcraft verify` rebuilds the same tables from the change log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import enrolled, floorcraft
from tests.two_events import two_events


async def test_a_late_entry_after_a_withdrawal_a_dq_and_a_warning_keeps_them_on_the_new_round(api, client, settings):
    box = await two_events(api)
    comp, event = box["competition"]["id"], box["rounds"]
    entries = [e for e in await api.ok("GET", f"/api/competitions/{comp}/entries") if e["event_id"] == event]
    withdrawn, disqualified, warned = entries[0], entries[1], entries[2]
    chair = await enrolled(client, "chair", competition_id=comp)
    assert (
        await api.client.request("POST", f"/api/entries/{withdrawn['id']}/withdraw", json={"reason": "ill"})
    ).status_code == 200
    answer = await chair.post(f"/api/entries/{disqualified['id']}/disqualify", {"reason": "conduct"})
    assert answer.status_code == 200, answer.text
    answer = await chair.post(f"/api/entries/{warned['id']}/warn", {"reason": "lift"})
    assert answer.status_code == 200, answer.text

    late = await api.client.request(
        "POST", f"/api/events/{event}/entries", json={"leader": "Late Lead", "follower": "Late Follow"}
    )
    assert late.status_code == 201, late.text

    after = {e["id"]: e for e in await api.ok("GET", f"/api/competitions/{comp}/entries")}
    assert "Late Lead" in {e["couple"]["leader"] for e in after.values()}
    first = (await api.ok("GET", f"/api/events/{event}/plan"))["rounds"][0]
    with sqlite3.connect(f"file:{Path(settings.data_dir) / 'floorcraft.sqlite3'}?mode=ro", uri=True) as db:
        outcomes = dict(db.execute("SELECT entry_id, round_id FROM entry_outcomes").fetchall())
        warnings = dict(db.execute("SELECT entry_id, round_id FROM entry_warnings").fetchall())
    assert outcomes == {withdrawn["id"]: first["id"], disqualified["id"]: first["id"]}, (outcomes, first["id"])
    assert warnings == {warned["id"]: first["id"]}, warnings
    run = floorcraft(settings.data_dir, "verify")
    assert run.returncode == 0, run.stdout
