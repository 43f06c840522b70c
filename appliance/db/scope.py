"""SQL that finds which competition an object belongs to (for the competition scope of every signed route)."""

from __future__ import annotations

import sqlite3

_OWNER = {
    "competition_id": "SELECT id FROM competitions WHERE id = ?",
    "event_id": "SELECT competition_id FROM events WHERE id = ?",
    "floor_id": "SELECT competition_id FROM floors WHERE id = ?",
    "couple_id": "SELECT competition_id FROM couples WHERE id = ?",
    "entry_id": "SELECT e.competition_id FROM entries n JOIN events e ON e.id = n.event_id WHERE n.id = ?",
    "round_id": "SELECT e.competition_id FROM rounds r JOIN events e ON e.id = r.event_id WHERE r.id = ?",
    "device_id": "SELECT competition_id FROM devices WHERE id = ?",
}
SCOPED_PARAMS = frozenset(_OWNER)
"""The path parameters that name an object of one competition."""


def owner(conn: sqlite3.Connection, param: str, value: object) -> tuple[bool, int | None]:
    """(found, competition id) of the object a path parameter names; a device of the whole box has None."""
    if isinstance(value, int) and not 0 < value <= 2**53:  # out of bounds: the route's own validation answers
        return False, None
    row = conn.execute(_OWNER[param], (value,)).fetchone()
    return (False, None) if row is None else (True, row[0])
