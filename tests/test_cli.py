"""The command line on a real database: import-entries with a progress bar, and the shared settings."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys

import pytest

from appliance.db.store import Store
from appliance.model.competition import CompetitionIn, EventIn
from appliance.services import Context, registration, setup
from appliance.settings import Settings
from tests.conftest import ROOT


def floorcraft(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = {"FLOORCRAFT_DATA_DIR": str(data_dir), "FLOORCRAFT_MDNS": "false", "PATH": os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, "-m", "appliance", *args], capture_output=True, cwd=ROOT, timeout=120,
                          env=env)


@pytest.fixture
def competition(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    store = Store(settings.database_path)
    ctx = Context(store, settings)

    async def make():
        comp = await setup.create_competition(ctx, CompetitionIn("Cup", dt.date(2026, 12, 5), dt.date(2026, 12, 5),
                                                                 "Hall"))
        await setup.create_event(ctx, comp.id, EventIn("Adult Standard", "standard", ["W", "T"]))
        await setup.create_event(ctx, comp.id, EventIn("Adult Latin", "latin", ["C", "R"]))
        return comp.id

    cid = asyncio.run(make())
    store.close()
    return tmp_path, cid


def count_entries(tmp_path, cid) -> int:
    store = Store(tmp_path / "floorcraft.sqlite3")
    try:
        return len(asyncio.run(registration.list_entries(Context(store, Settings(data_dir=str(tmp_path))), cid)))
    finally:
        store.close()


def test_import_entries_shows_progress_and_imports_every_row(competition):
    tmp_path, cid = competition
    lines = ["leader,follower,club,country,events"] + [
        f"Leader {i},Follower {i},Club {i % 7},GER,Adult Standard;Adult Latin" for i in range(500)]
    (tmp_path / "entries.csv").write_text("\n".join(lines) + "\n")
    run = floorcraft(tmp_path, "import-entries", str(tmp_path / "entries.csv"), "--competition", str(cid))
    assert run.returncode == 0, run.stderr
    assert b"imported 500 of 500 rows" in run.stdout
    assert b"[##############################] 500/500" in run.stderr
    assert count_entries(tmp_path, cid) == 1000


def test_import_entries_with_errors_exits_2_and_writes_nothing(competition):
    tmp_path, cid = competition
    (tmp_path / "bad.csv").write_text("leader,follower,events\nA,B,Adult Standard\nC,,Adult Latin\nE,F,Foxtrot\n")
    run = floorcraft(tmp_path, "import-entries", str(tmp_path / "bad.csv"), "--competition", str(cid))
    assert run.returncode == 2
    assert b"row 3: follower" in run.stderr and b"row 4: events: unknown event 'Foxtrot'" in run.stderr
    assert count_entries(tmp_path, cid) == 0
    run = floorcraft(tmp_path, "import-entries", str(tmp_path / "bad.csv"), "--competition", str(cid),
                     "--skip-invalid")
    assert run.returncode == 0 and b"imported 1 of 3 rows (2 skipped)" in run.stdout
    assert count_entries(tmp_path, cid) == 1


def test_import_into_a_missing_competition_or_from_a_missing_file_exits_2(competition):
    tmp_path, _ = competition
    (tmp_path / "ok.csv").write_text("leader,follower,events\nA,B,Adult Standard\n")
    assert floorcraft(tmp_path, "import-entries", str(tmp_path / "ok.csv"), "--competition", "99").returncode == 2
    assert floorcraft(tmp_path, "import-entries", str(tmp_path / "no.csv"), "--competition", "1").returncode == 2


def test_demo_and_verify_share_the_database_through_the_settings(tmp_path):
    run = floorcraft(tmp_path, "demo")
    assert run.returncode == 0 and b"demo competition 1 created" in run.stdout
    run = floorcraft(tmp_path, "verify")
    assert run.returncode == 0 and b"change log intact" in run.stdout


def test_a_corrupt_database_is_refused_by_every_command(tmp_path):
    (tmp_path / "floorcraft.sqlite3").write_bytes(b"garbage" * 1000)
    for args in (["demo"], ["verify"]):
        run = floorcraft(tmp_path, *args)
        assert run.returncode == 2 and b"refusing to start" in run.stderr
    assert (tmp_path / "floorcraft.sqlite3").read_bytes() == b"garbage" * 1000
