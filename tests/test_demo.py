"""The demo competition: made through the services, big enough to explore every part of the appliance."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import appliance.demo
from appliance.db.store import Store
from appliance.demo import load_demo
from appliance.services import Context, provisioning, registration, setup


async def test_the_demo_has_standard_and_latin_40_couples_a_panel_of_7_and_three_rounds(settings, tmp_path):
    store = Store(tmp_path / "demo.sqlite3")
    ctx = Context(store, settings)
    try:
        cid = await load_demo(ctx, today=dt.date(2026, 12, 5))
        competition = await setup.get_competition(ctx, cid)
        events = await setup.list_events(ctx, cid)
        entries = await registration.list_entries(ctx, cid)
        plans = [await provisioning.event_plan(ctx, e.id) for e in events]
    finally:
        store.close()
    assert competition.registration == "closed" and len(competition.floors) == 2
    assert {e.style for e in events} == {"standard", "latin"}
    assert all(len(e.panel) == 7 for e in events)
    couples = {e.couple.id for e in entries}
    assert len(couples) >= 40 and all(e.couple.bib is not None for e in entries)
    assert max(len(p.rounds) for p in plans) == 3


def test_the_demo_never_writes_tables_directly():
    tree = ast.parse(Path(appliance.demo.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(m.startswith("appliance.db") for m in imported)
    assert "execute" not in Path(appliance.demo.__file__).read_text()
