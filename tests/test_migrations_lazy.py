"""Migrations (appliance/db/migrations.py) load sqlite-utils only when one is pending: opening an up-to-date
database in a fresh interpreter leaves it out (the box's idle memory); a database one migration behind still gets it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from appliance.db import migrations
from appliance.db.migrations import migrate
from appliance.db.store import Store

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import sys
from pathlib import Path
from appliance.db.store import Store
store = Store(Path(sys.argv[1]))
store.close()
print("sqlite_utils" in sys.modules)
"""


def _opens_with_sqlite_utils(path: Path) -> bool:
    command = [sys.executable, "-c", PROBE, str(path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return {"True": True, "False": False}[done.stdout.strip()]


def test_an_up_to_date_database_opens_without_sqlite_utils(tmp_path):
    path = tmp_path / "floorcraft.sqlite3"
    assert _opens_with_sqlite_utils(path) is True  # a new database: every migration runs
    assert _opens_with_sqlite_utils(path) is False  # the second start finds nothing to do with plain sqlite3


def test_a_database_one_migration_behind_gets_it(tmp_path):
    import sqlite_utils
    from sqlite_utils.migrations import Migrations

    path = tmp_path / "floorcraft.sqlite3"
    older = Migrations(migrations.SET)
    for step in migrations.STEPS:
        older()(step)
    last = migrations.STEPS[-1].__name__
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        older.apply(sqlite_utils.Database(conn), stop_before=last)  # a database from the release before
        assert migrate(conn) == [last]
        assert migrate(conn) == []
    Store(path).close()  # and it opens as any other
    assert _opens_with_sqlite_utils(path) is False


def test_every_migration_is_recorded_under_its_function_name(tmp_path):
    store = Store(tmp_path / "floorcraft.sqlite3")
    try:
        names = [row[0] for row in store._writer.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        store.close()
    assert names == [step.__name__ for step in migrations.STEPS] and len(names) >= 15
