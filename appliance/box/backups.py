"""Rolling online backups of the database (the backup timer), and restoring one (plain, or sealed on a stick)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from appliance.box.export import backup_to
from appliance.db.store import StoreError, check_integrity
from appliance.i18n import _
from appliance.i18n import message_of as reason
from appliance.trust import sealed

KEEP = 24


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "backups"


def rolling_backup(database: Path, data_dir: Path, keep: int = KEEP) -> Path:
    """One integrity-checked backup named by time; only the newest `keep` (at least 1) are kept."""
    if keep < 1:
        raise ValueError("keep must be at least 1 (the backup just made)")
    folder = backup_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
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
        raise StoreError(_("{path} cannot be opened: {reason}", path=str(path), reason=str(exc))) from None
    try:
        check_integrity(conn, path)
        try:
            conn.execute("SELECT count(*) FROM change_log").fetchone()
        except sqlite3.DatabaseError:
            raise StoreError(_("{path} is not a Floorcraft database (no change log)", path=str(path))) from None
        alien = conn.execute("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')").fetchone()
        if alien is not None:  # ours has none: a trigger would run its SQL on the box's next write
            raise StoreError(
                _(
                    "{path} is not a Floorcraft database (it holds a {kind} {name})",
                    path=str(path),
                    kind=alien[0],
                    name=repr(alien[1]),
                )
            )
    finally:
        conn.close()


def restore(backup: Path, database: Path, data_dir: Path, passphrase: str | None = None) -> Path | None:
    """Put a checked backup in place of the database; the current one is kept beside the backups first.

    A sealed backup (from a stick) is opened with its passphrase into the data dir first: a wrong passphrase,
    a damaged file or anything that is not an intact Floorcraft database changes nothing.
    """
    if not sealed.is_sealed(backup):
        return _put_in_place(backup, database, data_dir)
    if passphrase is None:
        raise StoreError(_("{path} is an encrypted backup: its passphrase is needed", path=str(backup)))
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir, prefix=".restore-") as scratch:
        plain = Path(scratch) / "backup.sqlite3"
        try:
            sealed.unseal_file(backup, plain, passphrase)
        except sealed.SealError as exc:
            raise StoreError(_("{reason}; nothing was changed", reason=reason(exc))) from None
        return _put_in_place(plain, database, data_dir)


def _put_in_place(backup: Path, database: Path, data_dir: Path) -> Path | None:
    check_file(backup)
    kept = None
    if database.exists():
        folder = backup_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        kept = folder / f"before-restore-{stamp}.sqlite3"
        backup_to(database, kept)
    temporary = database.with_name(f".{database.name}.restoring")
    shutil.copyfile(backup, temporary)
    _same_owner(temporary, database)
    with open(temporary, "rb+") as out:
        os.fsync(out.fileno())
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(temporary, database)
    _set_checkpoints_aside(data_dir)
    return kept


def _set_checkpoints_aside(data_dir: Path) -> None:
    """The signed checkpoints describe the log that was replaced: kept beside the backups, and the restored
    database starts a new file (else `floorcraft verify` would rightly call the restored log's end a lost tail)."""
    from appliance.trust.checkpoints import FILE

    current = Path(data_dir) / FILE
    if current.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        folder = backup_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        os.replace(current, folder / f"before-restore-{stamp}.{FILE}")


def _same_owner(path: Path, like: Path) -> None:
    """Root restoring for the box's service user: the restored file keeps the database's owner and mode."""
    if not like.exists():
        return
    stat = like.stat()
    os.chmod(path, stat.st_mode & 0o777)
    with contextlib.suppress(PermissionError):  # not root: the file is ours already
        os.chown(path, stat.st_uid, stat.st_gid)
