"""One owner of the data dir at a time: the server holds an exclusive lock for its whole life.

`floorcraft serve` takes `DATA_DIR/floorcraft.lock` (fcntl.flock, exclusive) and keeps it until it exits; the
kernel releases it when the process dies, also on kill -9, so a stale lock never blocks anyone. Every CLI
command that writes the database takes the same lock for its run and is refused while a server holds it, so
no operator step (restore, demo, enrol, import) can change the database under a running server. Read-only
commands (verify, export, backup, skate, verify-export) never take it.
"""

from __future__ import annotations

import fcntl
import functools
import inspect
import os
from pathlib import Path

from appliance.cli.terminal import fail, reason
from appliance.i18n import _

LOCK_NAME = "floorcraft.lock"


class DataDirBusy(RuntimeError):
    """Another process (the server, or another writing command) holds the data dir."""


class DataDirLock:
    """The lock on one data dir; `acquire(what)` raises DataDirBusy naming the holder, `release()` frees it."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, what: str) -> DataDirLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            writable = True
        except PermissionError:  # made by another user (the box's service user): locking needs no write access
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            writable = False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise DataDirBusy(_busy_message(self.data_dir, holder)) from None
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the only descriptor releases the flock
            self._fd = None

    def __enter__(self) -> DataDirLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def _holder(fd: int) -> tuple[str, str]:
    """(pid, command) as the holder wrote them, or ("?", "serve") if it could not write."""
    try:
        text = os.pread(fd, 200, 0).decode(errors="replace").split()
    except OSError:
        text = []
    return (text[0] if text else "?", text[1] if len(text) > 1 else "serve")


def _busy_message(data_dir: Path, holder: tuple[str, str]) -> str:
    pid, what = holder
    if what == "serve":
        return _(
            "the server is running (pid {pid}) and holds {folder}; stop it first "
            "(systemctl stop floorcraft), or use the desk",
            pid=pid,
            folder=str(data_dir),
        )
    return _(
        "another floorcraft command ({what}, pid {pid}) is changing {folder}; wait for it to finish",
        what=what,
        pid=pid,
        folder=str(data_dir),
    )


def exclusive(what: str):
    """Decorator for a command function(args): run it holding the data dir's lock, or exit 2 naming the holder."""

    def wrap(command):
        def refused(exc: DataDirBusy) -> int:
            return fail(reason(exc))

        if inspect.iscoroutinefunction(command):

            @functools.wraps(command)
            async def run_async(args):
                try:
                    lock = DataDirLock(Path(args.settings.data_dir)).acquire(what)
                except DataDirBusy as exc:
                    return refused(exc)
                with lock:
                    return await command(args)

            return run_async

        @functools.wraps(command)
        def run(args):
            try:
                lock = DataDirLock(Path(args.settings.data_dir)).acquire(what)
            except DataDirBusy as exc:
                return refused(exc)
            with lock:
                return command(args)

        return run

    return wrap
