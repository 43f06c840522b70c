"""Rolling online backups of the database (the backup timer), and restoring one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

from appliance.db.store import StoreError, check_integrity
from appliance.export import backup_to

KEEP = 24


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def rolling_backup(database: Path, data_dir: Path, keep: int = KEEP) -> Path:
    """One integrity-checked backup named by time; only the newest `keep` are kept."""
    folder = backup_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"floorcraft-{stamp}.sqlite3"
    backup_to(database, path)
    backups = sorted(folder.glob("floorcraft-*.sqlite3"))
    for old in backups[:-keep]:
        old.unlink()
    return path


def check_file(path: Path) -> None:
    """Refuse anything that is not an intact Floorcraft database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StoreError(f"{path} cannot be opened: {exc}") from None
    try:
        check_integrity(conn, path)
        try:
            conn.execute("SELECT count(*) FROM change_log").fetchone()
        except sqlite3.DatabaseError:
            raise StoreError(f"{path} is not a Floorcraft database (no change log)") from None
    finally:
        conn.close()


def restore(backup: Path, database: Path, data_dir: Path) -> Path:
    """Put a checked backup in place of the database; the current one is kept beside the backups first."""
    check_file(backup)
    kept = None
    if database.exists():
        folder = backup_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        kept = folder / f"before-restore-{stamp}.sqlite3"
        backup_to(database, kept)
    temporary = database.with_name(f".{database.name}.restoring")
    shutil.copyfile(backup, temporary)
    with open(temporary, "rb+") as out:
        os.fsync(out.fileno())
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(temporary, database)
    return kept
