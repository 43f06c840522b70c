"""The SQLite store: durable settings, integrity at start-up, migrations, the hash-chained change log."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys

import pytest

from appliance.db import changelog
from appliance.db.migrations import migrate
from appliance.db.store import Store, StoreError
from tests.conftest import ROOT


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "fc.sqlite3", clock=lambda: "2026-12-05T10:00:00.000+00:00")
    yield opened
    opened.close()


def _append(store: Store, n: int) -> None:
    for i in range(n):
        store.write_sync(lambda conn, i=i: changelog.append(conn, "test.thing", f"thing/{i}", {"i": i}, store.clock()))


def test_wal_mode_full_sync_and_foreign_keys(store):
    conn = store._writer
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_failed_write_leaves_nothing_behind(store):
    def failing(conn):
        changelog.append(conn, "test.thing", "thing/x", {}, store.clock())
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.write_sync(failing)
    assert store.read_sync(changelog.head) == (0, changelog.GENESIS)


def test_migrations_applied_twice_change_nothing(store):
    schema = lambda: store._writer.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()  # noqa: E731
    before = [tuple(r) for r in schema()]
    assert migrate(store._writer) == []
    assert [tuple(r) for r in schema()] == before


def test_a_corrupt_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="refusing to start"):
        Store(path)
    assert path.read_bytes() == before


def test_a_damaged_page_fails_the_integrity_check(tmp_path):
    path = tmp_path / "damaged.sqlite3"
    store = Store(path)
    _append(store, 300)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'change_log'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    data[start : start + 12] = b"\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"  # a b-tree page header gone bad
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError):
        Store(path)


def test_the_change_log_chains_every_row_to_the_one_before(store):
    _append(store, 5)
    rows = store.read_sync(lambda conn: changelog.rows_after(conn, 0))
    assert [r["seq"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["prev_hash"] == changelog.GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(rows))
    assert store.read_sync(changelog.verify) == (5, None, "")


def test_an_altered_row_is_named_by_verify(store):
    _append(store, 5)
    store._writer.execute("UPDATE change_log SET payload = '{\"i\":99}' WHERE seq = 3")
    checked, broken, why = store.read_sync(changelog.verify)
    assert (checked, broken) == (2, 3) and "altered" in why


def test_a_removed_row_is_named_by_verify(store):
    _append(store, 5)
    store._writer.execute("DELETE FROM change_log WHERE seq = 2")
    assert store.read_sync(changelog.verify)[1] == 3


def test_payloads_are_canonical_json():
    assert changelog.canonical({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'


def _verify_cli(data_dir) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "appliance", "verify"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={"FLOORCRAFT_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"},
    )


def test_floorcraft_verify_names_the_first_broken_row(tmp_path):
    store = Store(tmp_path / "floorcraft.sqlite3")
    _append(store, 4)
    run = _verify_cli(tmp_path)
    assert run.returncode == 0 and b"intact: 4 rows" in run.stdout
    store._writer.execute("UPDATE change_log SET kind = 'forged' WHERE seq = 2")
    store.close()
    run = _verify_cli(tmp_path)
    assert run.returncode == 1 and b"BROKEN at seq 2" in run.stdout


async def test_writes_that_queue_up_commit_together_and_a_failing_one_undoes_no_other(store):
    import asyncio

    def good(i):
        return lambda conn: changelog.append(conn, "test.thing", f"thing/{i}", {"i": i}, store.clock())

    def bad(conn):
        changelog.append(conn, "test.bad", "thing/bad", {}, store.clock())
        raise ValueError("refused")

    outcomes = await asyncio.gather(
        *(store.write(good(i)) for i in range(5)),
        store.write(bad),
        *(store.write(good(i)) for i in range(5, 10)),
        return_exceptions=True,
    )
    assert isinstance(outcomes[5], ValueError)
    assert sorted(o for o in outcomes if isinstance(o, int)) == list(range(1, 11))
    rows = store.read_sync(lambda conn: changelog.rows_after(conn, 0))
    assert [r["kind"] for r in rows] == ["test.thing"] * 10
    assert store.read_sync(changelog.verify) == (10, None, "")
