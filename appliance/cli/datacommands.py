"""The commands that keep and check the box's data: `verify`, `export`, `verify-export`, `backup`, `restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.box.datalock import exclusive
from appliance.cli.commands import _fail, _open
from appliance.cli.terminal import reason, said, tell
from appliance.db.store import StoreError, open_checked
from appliance.i18n import _, for_terminal


def verify(args: argparse.Namespace) -> int:
    from appliance.audit import audit

    try:
        conn = open_checked(args.settings.database_path)
        report = audit(conn, Path(args.settings.data_dir))
    except StoreError as exc:
        return _fail(reason(exc))
    for note in report.notes:
        tell(note)
    for problem in report.problems:
        tell(_("TAMPERED: {problem}", problem=problem) if not problem.startswith("change log BROKEN") else problem)
    for unchecked in report.unchecked:  # a key or a file verify cannot use: said as it is, not as tampering
        tell(unchecked)
    return 1 if report.problems or report.unchecked else 0


def export_to(args: argparse.Namespace) -> int:
    from appliance.box.export import NO_BACKUP, box_key, export, public_key_text
    from appliance.trust import sealed

    passphrase = None
    if args.settings.backup_passphrase_file:
        try:
            passphrase = sealed.read_passphrase_file(Path(args.settings.backup_passphrase_file))
        except sealed.SealError as exc:
            return _fail(
                _("{reason} (FLOORCRAFT_BACKUP_PASSPHRASE_FILE); nothing was written", reason=reason(exc)),
                command="export",
            )
    if not Path(args.target).is_dir():  # a mistyped mount point must not fill the box's own disk
        return _fail(
            _("there is no folder {folder} (is the stick mounted there?); nothing was written", folder=args.target),
            command="export",
        )
    try:
        store = _open(args)
    except StoreError as exc:
        return _fail(reason(exc))
    try:
        folder = export(store, Path(args.settings.data_dir), Path(args.target), passphrase, for_terminal())
    except OSError as exc:
        return _fail(
            _("export failed ({reason}); the manifest on the stick says INCOMPLETE", reason=exc.strerror or str(exc)), 1
        )
    finally:
        store.close()
    key = public_key_text(box_key(Path(args.settings.data_dir)))
    tell(_("exported to {folder} (box key {key})", folder=str(folder), key=key))
    tell(_("backup: sealed with the organiser's passphrase") if passphrase else _("backup: {none}", none=NO_BACKUP))
    return 0


def verify_export(args: argparse.Namespace) -> int:
    """One export, or every export on a stick (its root): problems named per folder, exit 1 if any."""
    from appliance.box.export import exports_in
    from appliance.box.export import verify_export as check

    root = Path(args.folder)
    if not root.is_dir():
        return _fail(_("there is no folder {folder}", folder=str(root)), command="verify-export")
    folders = exports_in(root)
    if not folders:
        return _fail(
            _("{folder} holds no export (no manifest.json, no floorcraft-export-* folder)", folder=str(root)),
            command="verify-export",
        )
    broken = 0
    for folder in folders:
        problems = check(folder, args.key)
        for problem in problems:
            line = _("problem: {problem}", problem=problem)
            tell(line if folder == root else _("problem: {folder}: {problem}", folder=folder.name, problem=problem))
        broken += bool(problems)
        if not problems:
            tell(_("export {folder} is complete, signed and intact", folder=str(folder)))
    if len(folders) > 1:
        good, total = len(folders) - broken, len(folders)
        tell(
            _("{good} of {total} exports on {root} are complete, signed and intact", good=good, total=total, root=root)
        )
    return 1 if broken else 0


def backup(args: argparse.Namespace) -> int:
    from appliance.box.backups import rolling_backup

    path = args.settings.database_path
    if not path.exists():
        return _fail(_("no database at {path}", path=str(path)))
    try:
        made = rolling_backup(path, Path(args.settings.data_dir), args.keep)
    except (StoreError, OSError) as exc:
        return _fail(_("backup failed: {reason}", reason=reason(exc)), 1)
    tell(_("backup {path} written and checked", path=str(made)))
    return 0


@exclusive("restore")
def restore(args: argparse.Namespace) -> int:
    from appliance.box.backups import restore as put_back
    from appliance.trust import sealed

    passphrase = None
    if sealed.is_sealed(Path(args.file)):
        passphrase = _backup_passphrase(args)
        if passphrase is None:
            return 2
    try:
        kept = put_back(Path(args.file), args.settings.database_path, Path(args.settings.data_dir), passphrase)
    except StoreError as exc:
        return _fail(_("refusing to restore: {reason}", reason=reason(exc)))
    except OSError as exc:
        return _fail(_("cannot restore {file}: {reason}", file=args.file, reason=str(exc)))
    if kept:
        tell(_("restored {file}; the previous database is kept as {kept}", file=args.file, kept=str(kept)))
    else:
        tell(_("restored {file}", file=args.file))
    return 0


def _backup_passphrase(args: argparse.Namespace) -> str | None:
    """The sealed backup's passphrase: --passphrase-file, else asked for in a terminal (None: refused, said why)."""
    import getpass

    from appliance.trust import sealed

    if args.passphrase_file:
        try:
            return sealed.read_passphrase_file(Path(args.passphrase_file))
        except sealed.SealError as exc:
            _fail(_("refusing to restore: {reason}", reason=reason(exc)))
            return None
    if not sys.stdin.isatty():
        _fail(
            _(
                "refusing to restore: {file} is encrypted; give --passphrase-file FILE (or run in a terminal)",
                file=args.file,
            )
        )
        return None
    try:
        return getpass.getpass(said(_("Passphrase of {file}: ", file=args.file)))
    except (EOFError, KeyboardInterrupt):
        _fail(_("refusing to restore: no passphrase given; nothing was changed"))
        return None
