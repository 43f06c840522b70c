"""Use cases: load -> check -> save -> append to the change log, each in one write transaction."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import msgspec

from appliance.db import changelog
from appliance.db.store import Store
from appliance.settings import Settings


class Context(msgspec.Struct, frozen=True):
    """What every use case needs: the store and the settings."""

    store: Store
    settings: Settings
    device_keys: dict = msgspec.field(default_factory=dict)  # device id -> (key, row): never change once enrolled

    def now(self) -> dt.datetime:
        """The box's time (from the store's clock, so tests can move it)."""
        return dt.datetime.fromisoformat(self.store.clock())

    def log(self, conn: sqlite3.Connection, kind: str, entity: str, payload: Any) -> int:
        """Append one change-log row inside the current write transaction."""
        return changelog.append(conn, kind, entity, payload, self.store.clock())
