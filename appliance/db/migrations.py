"""Append-only schema migrations (sqlite-utils `Migrations`): never edit one that has shipped; add the next.

sqlite-utils (with dateutil, pluggy, sqlite-fts4: some 4 MB) is imported only when a migration is pending: an
up-to-date database is recognised with plain sqlite3 in the table sqlite-utils keeps (`_sqlite_migrations`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

SET = "floorcraft"  # the migration set's name in _sqlite_migrations
TABLE = "_sqlite_migrations"  # sqlite_utils.migrations.Migrations.migrations_table
STEPS: list[Callable[[sqlite_utils.Database], None]] = []


def migration(step: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    """Register the next migration, named by its function (the name sqlite-utils records)."""
    STEPS.append(step)
    return step


@migration
def m001_change_log(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            payload TEXT NOT NULL,
            at TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""")


@migration
def m002_competitions(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE competitions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            venue TEXT NOT NULL,
            first_bib INTEGER NOT NULL DEFAULT 1,
            registration TEXT NOT NULL DEFAULT 'open' CHECK (registration IN ('open', 'closed')),
            draw_seed INTEGER
        )""",
        """CREATE TABLE floors (
            id INTEGER PRIMARY KEY,
            competition_id INTEGER NOT NULL REFERENCES competitions(id),
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'idle' CHECK (state IN ('idle', 'running', 'stopped')),
            current_round INTEGER,
            current_dance TEXT,
            current_heat INTEGER,
            UNIQUE (competition_id, name)
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            competition_id INTEGER NOT NULL REFERENCES competitions(id),
            name TEXT NOT NULL,
            style TEXT NOT NULL,
            dances TEXT NOT NULL,
            age_group TEXT NOT NULL,
            level TEXT NOT NULL,
            floor_id INTEGER NOT NULL REFERENCES floors(id),
            max_per_heat INTEGER NOT NULL,
            final_size INTEGER NOT NULL,
            redraw_per_dance INTEGER NOT NULL DEFAULT 1,
            position INTEGER NOT NULL,
            UNIQUE (competition_id, name)
        )""",
        """CREATE TABLE adjudicators (
            id INTEGER PRIMARY KEY,
            competition_id INTEGER NOT NULL REFERENCES competitions(id),
            letter TEXT NOT NULL,
            name TEXT NOT NULL,
            country TEXT NOT NULL,
            UNIQUE (competition_id, letter)
        )""",
        """CREATE TABLE panels (
            event_id INTEGER NOT NULL REFERENCES events(id),
            adjudicator_id INTEGER NOT NULL REFERENCES adjudicators(id),
            PRIMARY KEY (event_id, adjudicator_id)
        )""",
    ):
        db.execute(statement)


@migration
def m003_registration(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE registration_links (
            token TEXT PRIMARY KEY,
            competition_id INTEGER NOT NULL REFERENCES competitions(id),
            role TEXT NOT NULL CHECK (role IN ('couple', 'adjudicator')),
            closes_at TEXT
        )""",
        """CREATE TABLE couples (
            id INTEGER PRIMARY KEY,
            competition_id INTEGER NOT NULL REFERENCES competitions(id),
            leader TEXT NOT NULL,
            follower TEXT NOT NULL,
            club TEXT NOT NULL DEFAULT '',
            country TEXT NOT NULL DEFAULT '',
            identity TEXT NOT NULL,
            bib INTEGER,
            UNIQUE (competition_id, identity),
            UNIQUE (competition_id, bib)
        )""",
        """CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            couple_id INTEGER NOT NULL REFERENCES couples(id),
            status TEXT NOT NULL DEFAULT 'entered' CHECK (status IN ('entered', 'scratched')),
            late INTEGER NOT NULL DEFAULT 0,
            UNIQUE (event_id, couple_id)
        )""",
    ):
        db.execute(statement)


@migration
def m004_rounds(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE rounds (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            number INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('recall', 'final')),
            planned_couples INTEGER NOT NULL,
            recall INTEGER,
            seed INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'planned',
            UNIQUE (event_id, number)
        )""",
        """CREATE TABLE round_couples (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            couple_id INTEGER NOT NULL REFERENCES couples(id),
            PRIMARY KEY (round_id, couple_id)
        )""",
        """CREATE TABLE heats (
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            dance TEXT NOT NULL,
            heat INTEGER NOT NULL,
            couple_id INTEGER NOT NULL REFERENCES couples(id),
            PRIMARY KEY (round_id, dance, couple_id)
        )""",
        """CREATE TABLE schedule (
            floor_id INTEGER NOT NULL REFERENCES floors(id),
            position INTEGER NOT NULL,
            round_id INTEGER NOT NULL UNIQUE REFERENCES rounds(id),
            PRIMARY KEY (floor_id, position)
        )""",
    ):
        db.execute(statement)


@migration
def m005_devices(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE enrolments (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('scrutineer', 'chair', 'adjudicator', 'display')),
            competition_id INTEGER REFERENCES competitions(id),
            adjudicator_id INTEGER REFERENCES adjudicators(id),
            secret BLOB NOT NULL,
            expires_at TEXT NOT NULL,
            used INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE devices (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            competition_id INTEGER REFERENCES competitions(id),
            adjudicator_id INTEGER REFERENCES adjudicators(id),
            key BLOB NOT NULL,
            counter INTEGER NOT NULL DEFAULT 0,
            revoked INTEGER NOT NULL DEFAULT 0,
            enrolled_at TEXT NOT NULL,
            last_seen TEXT
        )""",
        """CREATE TABLE idempotency (
            device_id TEXT NOT NULL REFERENCES devices(id),
            key TEXT NOT NULL,
            request TEXT NOT NULL,
            status INTEGER NOT NULL,
            response BLOB NOT NULL,
            PRIMARY KEY (device_id, key)
        )""",
    ):
        db.execute(statement)


@migration
def m006_marks(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE sheets (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES rounds(id),
            dance TEXT NOT NULL,
            adjudicator_id INTEGER NOT NULL REFERENCES adjudicators(id),
            marks TEXT NOT NULL,
            checksum TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            entered_by TEXT NOT NULL,
            keyed INTEGER NOT NULL DEFAULT 0,
            UNIQUE (round_id, dance, adjudicator_id)
        )""",
        """CREATE TABLE results (
            round_id INTEGER PRIMARY KEY REFERENCES rounds(id),
            kind TEXT NOT NULL,
            result TEXT NOT NULL,
            sheets_checksum TEXT NOT NULL,
            decision TEXT,
            official INTEGER NOT NULL DEFAULT 0
        )""",
        "ALTER TABLE competitions ADD COLUMN chair_pin TEXT",
    ):
        db.execute(statement)


@migration
def m007_sync(db: sqlite_utils.Database) -> None:
    db.execute("""CREATE TABLE sync_state (
        endpoint TEXT PRIMARY KEY,
        acked_seq INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_attempt TEXT,
        last_success TEXT
    )""")


@migration
def m008_pin_attempts(db: sqlite_utils.Database) -> None:
    """Wrong chair's PINs in a row and the lockout, keyed "device:<id>" or "competition:<id>" (issue #9 point 6)."""
    db.execute("""CREATE TABLE pin_attempts (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT
    )""")


@migration
def m009_entries_by_couple(db: sqlite_utils.Database) -> None:
    """A couple's entries by index: closing registration with 20,000 couples took minutes (issue #9 point 3)."""
    db.execute("CREATE INDEX IF NOT EXISTS entries_by_couple ON entries (couple_id)")


@migration
def m010_round_panels(db: sqlite_utils.Database) -> None:
    """Each round keeps the panel that judged it (issue #10 point 1): the event's panel is copied at the draw."""
    db.execute("""CREATE TABLE round_panels (
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        adjudicator_id INTEGER NOT NULL REFERENCES adjudicators(id),
        PRIMARY KEY (round_id, adjudicator_id)
    )""")


@migration
def m011_round_signatures(db: sqlite_utils.Database) -> None:
    """Each judge signs each round on the tablet (issue #11 point 1): a 1-bit PNG of at most 400x200."""
    db.execute("""CREATE TABLE signatures (
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        adjudicator_id INTEGER NOT NULL REFERENCES adjudicators(id),
        png BLOB NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (round_id, adjudicator_id)
    )""")


@migration
def m012_entry_outcomes(db: sqlite_utils.Database) -> None:
    """A couple withdrawn mid-event or disqualified by the chair (issue #10 points 3 and 4), with the reason."""
    db.execute("""CREATE TABLE entry_outcomes (
        entry_id INTEGER NOT NULL REFERENCES entries(id),
        status TEXT NOT NULL CHECK (status IN ('withdrawn', 'disqualified')),
        round_id INTEGER REFERENCES rounds(id),
        danced TEXT NOT NULL DEFAULT '[]',
        reason TEXT NOT NULL,
        by TEXT NOT NULL,
        PRIMARY KEY (entry_id, status)
    )""")


@migration
def m013_entry_warnings(db: sqlite_utils.Database) -> None:
    """The chair's warning for the step limit, and a disqualification for it (the DTV's ESV `vd` 1 and 2)."""
    db.execute("""CREATE TABLE entry_warnings (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
        round_id INTEGER NOT NULL REFERENCES rounds(id),
        reason TEXT NOT NULL,
        by TEXT NOT NULL
    )""")
    db.execute("ALTER TABLE entry_outcomes ADD COLUMN step_limit INTEGER NOT NULL DEFAULT 0")


@migration
def m014_schedule_settings(db: sqlite_utils.Database) -> None:
    """The day's schedule with times (issue #10 point 8): each floor's timing; the log read by kind for re-timing."""
    db.execute("""CREATE TABLE schedule_settings (
        floor_id INTEGER PRIMARY KEY REFERENCES floors(id),
        start TEXT NOT NULL,
        dance_seconds INTEGER NOT NULL,
        heat_change_seconds INTEGER NOT NULL,
        dance_change_seconds INTEGER NOT NULL,
        round_change_seconds INTEGER NOT NULL,
        breaks TEXT NOT NULL DEFAULT '[]'
    )""")
    db.execute("CREATE INDEX IF NOT EXISTS change_log_by_kind ON change_log (kind, entity)")


@migration
def m015_stars_and_redance(db: sqlite_utils.Database) -> None:
    """Star couples seeded into a later round, and redance rounds (issue #10 points 5 and 6): a redance is a
        recall round of its own (`redance_of` the round it follows; `carried`: the couples that round recalled
        straight into the next one); an event's redance after its 1st round is set by the chair (`redance_recall`), and
    the scrutineer's deadline for seeding star couples (`star_deadline`, ISO 8601 with a time zone)."""
    db.execute("""CREATE TABLE star_couples (
        entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
        round_number INTEGER NOT NULL,
        by TEXT NOT NULL
    )""")
    db.execute("ALTER TABLE rounds ADD COLUMN redance_of INTEGER REFERENCES rounds(id)")
    db.execute("ALTER TABLE rounds ADD COLUMN carried TEXT")
    db.execute("ALTER TABLE events ADD COLUMN redance_recall INTEGER")
    db.execute("ALTER TABLE events ADD COLUMN star_deadline TEXT")


def _up_to_date(conn: sqlite3.Connection) -> bool:
    """Every migration recorded, in a table of the shape sqlite-utils would leave as it is (primary key `id`)."""
    keys = [row[0] for row in conn.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0", (TABLE,))]
    if keys != ["id"]:  # no table yet (a new database), or one sqlite-utils would rebuild
        return False
    done = {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (SET,))}
    return all(step.__name__ in done for step in STEPS)


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the pending migrations; returns their names (none the second time)."""
    if _up_to_date(conn):
        return []
    import sqlite_utils  # only now: the box's idle memory
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(SET)
    for step in STEPS:
        migrations()(step)
    db = sqlite_utils.Database(conn)
    pending = [m.name for m in migrations.pending(db)]
    migrations.apply(db)
    return pending
