"""The commands that keep and check the box's data: `verify`, `export`, `verify-export`, `backup`, `restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.commands import _fail, _open
from appliance.datalock import exclusive
from appliance.db.store import StoreError, open_checked


def verify(args: argparse.Namespace) -> int:
    from appliance.audit import audit

    try:
        conn = open_checked(args.settings.database_path)
        report = audit(conn, Path(args.settings.data_dir))
    except StoreError as exc:
        return _fail(str(exc))
    for note in report.notes:
        print(note)
    for problem in report.problems:
        print(f"TAMPERED: {problem}" if not problem.startswith("change log BROKEN") else problem)
    return 1 if report.problems else 0


def export_to(args: argparse.Namespace) -> int:
    from appliance import sealed
    from appliance.export import NO_BACKUP, box_key, export, public_key_text

    passphrase = None
    if args.settings.backup_passphrase_file:
        try:
            passphrase = sealed.read_passphrase_file(Path(args.settings.backup_passphrase_file))
        except sealed.SealError as exc:
            return _fail(f"export: {exc} (FLOORCRAFT_BACKUP_PASSPHRASE_FILE); nothing was written")
    if not Path(args.target).is_dir():  # a mistyped mount point must not fill the box's own disk
        return _fail(f"export: there is no folder {args.target} (is the stick mounted there?); nothing was written")
    try:
        store = _open(args)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        folder = export(store, Path(args.settings.data_dir), Path(args.target), passphrase)
    except OSError as exc:
        return _fail(f"export failed ({exc.strerror or exc}); the manifest on the stick says INCOMPLETE", 1)
    finally:
        store.close()
    print(f"exported to {folder} (box key {public_key_text(box_key(Path(args.settings.data_dir)))})")
    print("backup: sealed with the organiser's passphrase" if passphrase else f"backup: {NO_BACKUP}")
    return 0


def verify_export(args: argparse.Namespace) -> int:
    """One export, or every export on a stick (its root): problems named per folder, exit 1 if any."""
    from appliance.export import exports_in
    from appliance.export import verify_export as check

    root = Path(args.folder)
    if not root.is_dir():
        return _fail(f"verify-export: there is no folder {root}")
    folders = exports_in(root)
    if not folders:
        return _fail(f"verify-export: {root} holds no export (no manifest.json, no floorcraft-export-* folder)")
    broken = 0
    for folder in folders:
        problems = check(folder, args.key)
        for problem in problems:
            print(f"problem: {problem}" if folder == root else f"problem: {folder.name}: {problem}")
        broken += bool(problems)
        if not problems:
            print(f"export {folder} is complete, signed and intact")
    if len(folders) > 1:
        print(f"{len(folders) - broken} of {len(folders)} exports on {root} are complete, signed and intact")
    return 1 if broken else 0


def backup(args: argparse.Namespace) -> int:
    from appliance.backups import rolling_backup

    path = args.settings.database_path
    if not path.exists():
        return _fail(f"no database at {path}")
    try:
        made = rolling_backup(path, Path(args.settings.data_dir), args.keep)
    except (StoreError, OSError) as exc:
        return _fail(f"backup failed: {exc}", 1)
    print(f"backup {made} written and checked")
    return 0


@exclusive("restore")
def restore(args: argparse.Namespace) -> int:
    from appliance import sealed
    from appliance.backups import restore as put_back

    passphrase = None
    if sealed.is_sealed(Path(args.file)):
        passphrase = _backup_passphrase(args)
        if passphrase is None:
            return 2
    try:
        kept = put_back(Path(args.file), args.settings.database_path, Path(args.settings.data_dir), passphrase)
    except StoreError as exc:
        return _fail(f"refusing to restore: {exc}")
    except OSError as exc:
        return _fail(f"cannot restore {args.file}: {exc}")
    print(f"restored {args.file}" + (f"; the previous database is kept as {kept}" if kept else ""))
    return 0


def _backup_passphrase(args: argparse.Namespace) -> str | None:
    """The sealed backup's passphrase: --passphrase-file, else asked for in a terminal (None: refused, said why)."""
    import getpass

    from appliance import sealed

    if args.passphrase_file:
        try:
            return sealed.read_passphrase_file(Path(args.passphrase_file))
        except sealed.SealError as exc:
            _fail(f"refusing to restore: {exc}")
            return None
    if not sys.stdin.isatty():
        _fail(f"refusing to restore: {args.file} is encrypted; give --passphrase-file FILE (or run in a terminal)")
        return None
    try:
        return getpass.getpass(f"Passphrase of {args.file}: ")
    except (EOFError, KeyboardInterrupt):
        _fail("refusing to restore: no passphrase given; nothing was changed")
        return None
