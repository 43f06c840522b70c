"""The cloud receiver's database: SQLite (the embedded default) or PostgreSQL (FLOORCRAFT_CLOUD_DATABASE_URL), with
one migrations story for both.

Both backends hand out a `Tx`: one transaction that commits when its block ends and rolls back on any exception.
The SQL is written once with `?` placeholders (appliance/db/cloud.py); PostgreSQL's driver gets `%s`. What keeps
several receiver processes exactly-once is in the database, not in a process: a batch locks its box's row
(`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` takes the whole file), and the log's primary key
(box, seq) refuses a row twice.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from appliance.db.store import StoreError, check_integrity, connect
from appliance.errors import AppError
from appliance.i18n import _

# Append-only: each entry is one version; a database records the versions it has in cloud_schema.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS cloud_log (
            box TEXT NOT NULL,
            seq BIGINT NOT NULL,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            payload TEXT NOT NULL,
            at TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (box, seq)
        )""",
        "CREATE INDEX IF NOT EXISTS cloud_log_kind ON cloud_log (box, kind, seq)",
        """CREATE TABLE cloud_boxes (
            box TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            paired_at TEXT NOT NULL,
            revoked_at TEXT
        )""",
        """CREATE TABLE cloud_pairings (
            code_hash TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            box TEXT
        )""",
        """CREATE TABLE cloud_uploads (
            box TEXT NOT NULL,
            event_id BIGINT NOT NULL,
            seq BIGINT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'refused')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at TEXT NOT NULL,
            last_error TEXT,
            sent_at TEXT,
            PRIMARY KEY (box, event_id)
        )""",
    ),
)
SCHEMA_TABLE = "CREATE TABLE IF NOT EXISTS cloud_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"


class Unavailable(AppError):
    """The database cannot take the request now (down, busy): 503, the sender tries again."""

    status = 503
    code = "unavailable"


MIGRATION_LOCK = 7_265_001  # PostgreSQL advisory lock: one process migrates, the others wait and find it done


class Tx:
    """One open transaction: `all`, `one`, `run` (the rows changed); `for_update` locks the rows a SELECT read."""

    def __init__(self, cursor: Any, postgres: bool):
        self.cursor, self.postgres = cursor, postgres
        self.for_update = " FOR UPDATE" if postgres else ""  # SQLite: BEGIN IMMEDIATE holds the file already

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def all(self, sql: str, params: tuple | list = ()) -> list[tuple]:
        self.cursor.execute(self._sql(sql), tuple(params))
        return [tuple(r) for r in self.cursor.fetchall()]

    def one(self, sql: str, params: tuple | list = ()) -> tuple | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def run(self, sql: str, params: tuple | list = ()) -> int:
        self.cursor.execute(self._sql(sql), tuple(params))
        return self.cursor.rowcount

    def many(self, sql: str, rows: list[tuple]) -> None:
        self.cursor.executemany(self._sql(sql), rows)


def _migrate(tx: Tx, now: str) -> int:
    tx.run(SCHEMA_TABLE)
    have = tx.one("SELECT coalesce(max(version), 0) FROM cloud_schema")
    version = int(have[0]) if have else 0
    for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
        for statement in statements:
            tx.run(statement)
        tx.run("INSERT INTO cloud_schema (version, applied_at) VALUES (?, ?)", (number, now))
    return len(MIGRATIONS)


class SQLiteCloud:
    """One file (WAL, synchronous=FULL); each transaction is BEGIN IMMEDIATE, so other processes on the same file
    wait for it (busy_timeout) instead of interleaving."""

    postgres = False

    def __init__(self, path: Path, now: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = connect(path)
        check_integrity(self.conn, path)
        self.lock = threading.Lock()
        self.where = str(path)
        with self.transaction() as tx:
            _migrate(tx, now)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:  # another process held the file past busy_timeout
                why = str(exc)
                raise Unavailable(_("the cloud database is busy ({reason}); send again shortly", reason=why)) from None
            try:
                yield Tx(self.conn.cursor(), postgres=False)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self.conn.close()


class PostgresCloud:
    """A psycopg 3 connection pool; each transaction takes a connection for its length (READ COMMITTED: a batch
    reads its box's head after locking the box's row, so it sees what the batch before it committed)."""

    postgres = True

    def __init__(self, url: str, now: str, pool_size: int = 10):
        import psycopg
        from psycopg.conninfo import conninfo_to_dict
        from psycopg_pool import ConnectionPool

        try:
            parts = conninfo_to_dict(url)
        except psycopg.Error:
            raise StoreError(_("FLOORCRAFT_CLOUD_DATABASE_URL is not a PostgreSQL URL (postgresql://...)")) from None
        self.where = f"{parts.get('dbname', '')} on {parts.get('host', 'localhost')}"  # never the password
        try:
            psycopg.connect(url, connect_timeout=10).close()  # one plain attempt first: a clear message at once
        except psycopg.Error as exc:
            raise StoreError(_cannot_use(self.where, exc)) from None
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=False, kwargs={"autocommit": True})
        try:
            self.pool.open(wait=True, timeout=30)
            with self.transaction() as tx:
                tx.one("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
                _migrate(tx, now)
        except (psycopg.Error, TimeoutError, Unavailable) as exc:
            self.pool.close()
            raise StoreError(_cannot_use(self.where, exc)) from None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
                yield Tx(cursor, postgres=True)
        except (psycopg.OperationalError, PoolTimeout) as exc:  # the database is down or every connection busy
            first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise Unavailable(
                _("the cloud database cannot be reached now ({reason}); send again shortly", reason=first)
            ) from None

    def close(self) -> None:
        self.pool.close()


CloudDB = SQLiteCloud | PostgresCloud


def _cannot_use(where: str, exc: BaseException) -> str:
    first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    return _("cannot use the cloud database {where}: {reason}", where=where, reason=first)


def open_cloud(data_dir: Path, url: str, now: str, pool_size: int = 10) -> CloudDB:
    """PostgreSQL when a postgresql:// URL is configured, else DATA_DIR/cloud.sqlite3."""
    if url:
        return PostgresCloud(url, now, pool_size)
    try:
        return SQLiteCloud(Path(data_dir) / "cloud.sqlite3", now)
    except sqlite3.DatabaseError as exc:
        where = str(Path(data_dir) / "cloud.sqlite3")
        raise StoreError(_("cannot use {path}: {reason}", path=where, reason=str(exc))) from None
