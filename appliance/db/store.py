"""The one SQLite file: one writer connection behind a lock, readers on their own connections.

WAL mode with synchronous=FULL (an acknowledged mark must survive a power cut), foreign keys on,
a busy timeout, `PRAGMA integrity_check` at open (a corrupt file is refused, never replaced),
and every write in `BEGIN IMMEDIATE ... COMMIT` on the writer thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from appliance.errors import StorageFull
from appliance.i18n import _

T = TypeVar("T")
GROUP_LIMIT = 64  # writes committed together at most


class StoreError(RuntimeError):
    """The database cannot be used (corrupt, not a database, unreadable); the message says which file and why."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 10000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise StoreError(_unusable(path, exc)) from None
    if rows != ["ok"]:
        raise StoreError(
            _(
                "{path} failed PRAGMA integrity_check: {problems}; refusing to start. "
                "Restore a backup or move the file away; it was left untouched.",
                path=str(path),
                problems="; ".join(rows[:5]),
            )
        )


def _unusable(path: Path, exc: Exception) -> str:
    return _(
        "{path} is not a usable SQLite database ({reason}); refusing to start. "
        "Restore a backup or move the file away; it was left untouched.",
        path=str(path),
        reason=str(exc),
    )


def open_checked(path: Path) -> sqlite3.Connection:
    """The database read-only and integrity-checked, for the commands that only read; StoreError in plain words."""
    if not path.exists():
        raise StoreError(_("no database at {path}", path=str(path)))
    conn = connect(path, readonly=True)
    try:
        check_integrity(conn, path)
    except StoreError:
        conn.close()
        raise
    return conn


class Store:
    """Owner of the database file: `write(fn)` runs fn(conn) in one IMMEDIATE transaction, `read(fn)` on a reader."""

    def __init__(self, path: Path, clock: Callable[[], str] = utc_now):
        self.path = Path(path)
        self.clock = clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = connect(self.path)
            check_integrity(self._writer, self.path)
        except sqlite3.DatabaseError as exc:
            raise StoreError(_unusable(self.path, exc)) from None
        from appliance.db.migrations import migrate

        migrate(self._writer)
        self._write_pool = ThreadPoolExecutor(1, thread_name_prefix="db-writer")
        self._read_pool = ThreadPoolExecutor(2, thread_name_prefix="db-reader")
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self._pending: list = []
        self._drains: set[asyncio.Task] = set()  # running group commits, referenced so none is collected mid-way
        self._after_commit: list[Callable[[list[sqlite3.Row]], None]] = []
        self._before_close: list[Callable[[sqlite3.Connection], None]] = []
        self.checkpointer = None  # appliance/trust/checkpoints.py attaches one to the server's and the CLI's store
        self.last_seq = self._head()

    def _head(self) -> int:
        return self._writer.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]

    def on_commit(self, callback: Callable[[list[sqlite3.Row]], None]) -> None:
        """Call `callback(rows)` with the change-log rows of each commit, after the commit (on the writer thread)."""
        self._after_commit.append(callback)

    def on_close(self, callback: Callable[[sqlite3.Connection], None]) -> None:
        """Call `callback(writer connection)` at close, once every write is done."""
        self._before_close.append(callback)

    def write_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """fn(conn) in one BEGIN IMMEDIATE ... COMMIT on the writer connection; all or nothing."""
        conn = self._writer
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            why = str(exc)
            raise StoreError(_("cannot start a write on {path}: {reason}", path=str(self.path), reason=why)) from None
        try:
            result = fn(conn)
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback(conn)
            if "full" in str(exc).lower():
                raise StorageFull(_("the appliance's disk is full; nothing was written")) from None
            raise
        except BaseException:
            self._rollback(conn)
            raise
        self._notify(conn)
        return result

    def _notify(self, conn: sqlite3.Connection) -> None:
        """After a commit: hand the new change-log rows to the listeners (the live stream)."""
        head = self._head()
        if head > self.last_seq:
            first, self.last_seq = self.last_seq, head
            if self._after_commit:
                rows = conn.execute(
                    "SELECT seq, kind, entity, payload, hash FROM change_log WHERE seq > ? ORDER BY seq", (first,)
                ).fetchall()
                for callback in self._after_commit:
                    callback(rows)

    @staticmethod
    def _rollback(conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def _reader(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
            self._readers.append(conn)
        return conn

    def read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._reader()
        conn.execute("BEGIN")  # one consistent snapshot for the whole read
        try:
            return fn(conn)
        finally:
            conn.execute("COMMIT")

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run fn(conn) in a write transaction; answers only once its commit is durable.

        Writes that arrive while one is committing are grouped into the next transaction (group commit:
        one fsync for many sheets), each inside its own SAVEPOINT, so one failing write never undoes another.
        """
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
            self._pending = []
        future = loop.create_future()
        self._pending.append((fn, future))
        if not self._lock.locked():
            drain = loop.create_task(self._drain(loop, self._lock))
            self._drains.add(drain)
            drain.add_done_callback(self._drains.discard)
        return await future

    async def _drain(self, loop: asyncio.AbstractEventLoop, lock: asyncio.Lock) -> None:
        async with lock:
            while self._pending:
                batch, self._pending = self._pending[:GROUP_LIMIT], self._pending[GROUP_LIMIT:]
                try:
                    outcomes = await loop.run_in_executor(self._write_pool, self._write_group, [f for f, _ in batch])
                except BaseException as exc:  # the commit itself failed: nothing of the group was written
                    outcomes = [(False, exc)] * len(batch)
                for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)

    def _write_group(self, fns: list[Callable[[sqlite3.Connection], T]]) -> list[tuple[bool, object]]:
        """Several writes in one transaction, each in its own SAVEPOINT: one fsync, no write undoes another."""
        if len(fns) == 1:
            try:
                return [(True, self.write_sync(fns[0]))]
            except Exception as exc:
                return [(False, exc)]

        def each(conn: sqlite3.Connection) -> list[tuple[bool, object]]:
            outcomes: list[tuple[bool, object]] = []
            for fn in fns:
                conn.execute("SAVEPOINT one_write")
                try:
                    outcomes.append((True, fn(conn)))
                    conn.execute("RELEASE one_write")
                except Exception as exc:
                    conn.execute("ROLLBACK TO one_write")
                    conn.execute("RELEASE one_write")
                    outcomes.append((False, exc))
            return outcomes

        return self.write_sync(each)

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._read_pool, self.read_sync, fn)

    def close(self) -> None:
        self._write_pool.shutdown(wait=True)
        self._read_pool.shutdown(wait=True)
        for callback in self._before_close:
            callback(self._writer)
        self._before_close.clear()
        for conn in self._readers:
            conn.close()
        self._writer.close()
