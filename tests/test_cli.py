"""The command line on a real database: import-entries with a progress bar, and the shared settings."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest

from appliance.db.store import Store
from appliance.model.competition import CompetitionIn, EventIn
from appliance.services import Context, registration, setup
from appliance.settings import Settings
from tests.conftest import floorcraft


@pytest.fixture
def competition(tmp_path):
    settings = Settings(data_dir=str(tmp_path))
    store = Store(settings.database_path)
    ctx = Context(store, settings)

    async def make():
        comp = await setup.create_competition(
            ctx, CompetitionIn("Cup", dt.date(2026, 12, 5), dt.date(2026, 12, 5), "Hall")
        )
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
        f"Leader {i},Follower {i},Club {i % 7},GER,Adult Standard;Adult Latin" for i in range(500)
    ]
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
    run = floorcraft(tmp_path, "import-entries", str(tmp_path / "bad.csv"), "--competition", str(cid), "--skip-invalid")
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


# Issue 9.9: no operator step loses data. The server holds DATA_DIR; every command that writes the database is
# refused while it runs (exit 2, one line naming the server's pid); read-only commands keep working.

BUSY = "the server is running (pid {pid}) and holds {data}; stop it first (systemctl stop floorcraft), or use the desk"


def _head(base: str) -> int:
    import httpx

    return httpx.get(f"{base}/api/health", timeout=5).json()["change_log_head"]


async def _write_through_the_server(server) -> None:
    import httpx

    from appliance.trust.client import SignedClient

    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        made = await desk.post("/api/enrolments", json={"role": "scrutineer"})
        assert made.status_code == 201, made.text


def test_restore_while_the_server_runs_is_refused_and_works_once_it_stopped(tmp_path):
    from tests.server import Server

    assert floorcraft(tmp_path, "demo").returncode == 0
    assert floorcraft(tmp_path, "backup").returncode == 0
    backed_up = re.search(rb"head seq (\d+),", floorcraft(tmp_path, "verify").stdout).group(0)
    backup = next((tmp_path / "backups").glob("floorcraft-*.sqlite3"))
    server = Server(tmp_path, demo=False).start()
    try:
        asyncio.run(_write_through_the_server(server))  # acknowledged writes the backup does not hold
        head = _head(server.base)
        expected = BUSY.format(pid=server.proc.pid, data=tmp_path)
        run = floorcraft(tmp_path, "restore", str(backup))
        assert run.returncode == 2 and run.stderr.decode() == f"floorcraft: {expected}\n"
        assert _head(server.base) == head
        for args in (
            ["demo"],
            ["enrol", "--role", "scrutineer"],
            ["import-entries", str(backup), "--competition", "1"],
            ["serve"],
        ):
            run = floorcraft(tmp_path, *args)
            assert run.returncode == 2 and expected.encode() in run.stderr, (args, run.stderr)
        (tmp_path / "stick").mkdir()
        for args in (["verify"], ["backup", "--keep", "5"], ["export", str(tmp_path / "stick")]):
            assert floorcraft(tmp_path, *args).returncode == 0, args  # read-only: fine while it runs
        assert _head(server.base) == head
    finally:
        server.terminate()
    run = floorcraft(tmp_path, "restore", str(backup))
    assert run.returncode == 0, run.stderr
    assert backed_up in floorcraft(tmp_path, "verify").stdout and head > int(backed_up.split()[2][:-1])


def test_a_server_killed_with_kill_9_leaves_no_lock_behind(tmp_path):
    from tests.server import Server

    server = Server(tmp_path, demo=True).start()
    assert floorcraft(tmp_path, "enrol", "--role", "scrutineer").returncode == 2
    server.kill()  # SIGKILL: the kernel releases the lock
    run = floorcraft(tmp_path, "enrol", "--role", "scrutineer")
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["backup", "--keep", "0"],
        ["backup", "--keep", "-1"],
        ["backup", "--keep", "1000000000"],
        ["backup", "--keep", "many"],
        ["serve", "--simulate", "-1"],
        ["serve", "--simulate", "nan"],
        ["serve", "--simulate", "inf"],
        ["serve", "--simulate", "1e9"],
        ["enrol", "--role", "admin"],
        ["enrol", "--role", "adjudicator", "--judge", "c", "--competition", "1"],
        ["enrol", "--role", "adjudicator", "--judge", "ABC", "--competition", "1"],
        ["enrol", "--role", "adjudicator", "--judge", "C", "--competition", "0"],
        ["enrol", "--role", "adjudicator", "--judge", "C", "--competition", str(2**63)],
        ["enrol", "--role", "chair", "--judge", "C"],
        ["import-entries", "x.csv", "--competition", "-4"],
        ["import-entries", "x.csv", "--competition", "1.5"],
        ["verify-export", "somewhere", "--key", "not-a-key"],
        ["restore"],
        ["nonsense"],
    ],
)
def test_nonsense_arguments_are_refused_in_one_line_and_write_nothing(tmp_path, args):
    run = floorcraft(tmp_path, *args)
    assert run.returncode == 2, run
    assert run.stderr.count(b"\n") == 1 and run.stderr.startswith(b"floorcraft: "), run.stderr
    assert not (tmp_path / "floorcraft.sqlite3").exists() and not (tmp_path / "backups").exists()
