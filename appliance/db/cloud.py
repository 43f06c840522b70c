"""SQL of the cloud receiver (appliance/cloud/): each box's copy of the change log, pairings, federation uploads.

Written once for SQLite and PostgreSQL (appliance/db/cloud_backend.py runs it on either).
"""

from __future__ import annotations

from appliance.db.cloud_backend import Tx


def _marks(values: tuple) -> str:
    return ", ".join("?" for _ in values)


# --- boxes and pairing ---


def lock_box(tx: Tx, box: str) -> tuple | None:
    """(paired_at, revoked_at) of a box, its row locked until the transaction ends; None: never paired."""
    sql = "SELECT paired_at, revoked_at FROM cloud_boxes WHERE box = ?" + tx.for_update  # noqa: S608 - a constant  # nosec B608
    return tx.one(sql, (box,))


def add_pairing(tx: Tx, code_hash: str, now: str, expires_at: str) -> None:
    tx.run(
        "INSERT INTO cloud_pairings (code_hash, created_at, expires_at) VALUES (?, ?, ?)", (code_hash, now, expires_at)
    )


def claim_pairing(tx: Tx, code_hash: str, box: str, now: str) -> bool:
    """Use a code once: only an unused, unexpired one is taken (one UPDATE: two claims cannot both win)."""
    changed = tx.run(
        "UPDATE cloud_pairings SET used_at = ?, box = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
        (now, box, code_hash, now),
    )
    return changed == 1


def pairing(tx: Tx, code_hash: str) -> tuple | None:
    """(expires_at, used_at) of a code."""
    return tx.one("SELECT expires_at, used_at FROM cloud_pairings WHERE code_hash = ?", (code_hash,))


def pair_box(tx: Tx, box: str, name: str, now: str) -> None:
    tx.run(
        "INSERT INTO cloud_boxes (box, name, paired_at) VALUES (?, ?, ?) ON CONFLICT (box) DO UPDATE "
        "SET name = excluded.name, paired_at = excluded.paired_at, revoked_at = NULL",
        (box, name, now),
    )


def revoke_box(tx: Tx, box: str, now: str) -> bool:
    return tx.run("UPDATE cloud_boxes SET revoked_at = ? WHERE box = ? AND revoked_at IS NULL", (now, box)) == 1


def boxes(tx: Tx, paired_only: bool = True) -> list[tuple]:
    """(box, name, paired_at, revoked_at, head, rows) of every box (paired now, unless paired_only is False)."""
    return tx.all(
        "SELECT b.box, b.name, b.paired_at, b.revoked_at, coalesce(max(l.seq), 0), count(l.seq) "
        "FROM cloud_boxes b LEFT JOIN cloud_log l ON l.box = b.box WHERE b.revoked_at IS NULL OR ? = 0 "
        "GROUP BY b.box, b.name, b.paired_at, b.revoked_at ORDER BY b.paired_at, b.box",
        (int(paired_only),),
    )


def is_paired(tx: Tx, box: str) -> bool:
    return tx.one("SELECT 1 FROM cloud_boxes WHERE box = ? AND revoked_at IS NULL", (box,)) is not None


# --- the log ---


def head(tx: Tx, box: str) -> tuple[int, str | None]:
    row = tx.one("SELECT seq, hash FROM cloud_log WHERE box = ? ORDER BY seq DESC LIMIT 1", (box,))
    return (int(row[0]), row[1]) if row else (0, None)


def row_hash(tx: Tx, box: str, seq: int) -> str | None:
    row = tx.one("SELECT hash FROM cloud_log WHERE box = ? AND seq = ?", (box, seq))
    return row[0] if row else None


def insert_rows(tx: Tx, box: str, rows: list[dict]) -> None:
    names = ("seq", "kind", "entity", "payload", "at", "prev_hash", "hash")
    tx.many(
        "INSERT INTO cloud_log (box, seq, kind, entity, payload, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(box, *(r[n] for n in names)) for r in rows],
    )


def rows_of_kinds(tx: Tx, box: str, kinds: tuple[str, ...]) -> list[tuple]:
    """(seq, kind, entity, payload) of a box's rows of these kinds, in order."""
    kinds_in = f"kind IN ({_marks(kinds)})"  # only placeholders are joined in
    sql = "SELECT seq, kind, entity, payload FROM cloud_log WHERE box = ? AND " + kinds_in + " ORDER BY seq"  # noqa: S608  # nosec B608
    return tx.all(sql, (box, *kinds))


def all_rows(tx: Tx, box: str) -> list[tuple]:
    """(seq, kind, entity, payload) of a box's whole log, in order (to rebuild its tables)."""
    return tx.all("SELECT seq, kind, entity, payload FROM cloud_log WHERE box = ? ORDER BY seq", (box,))


# --- federation uploads from the cloud ---


def queue_upload(tx: Tx, box: str, event_id: int, seq: int, now: str) -> None:
    """Due once per (box, event): the primary key refuses it twice, whichever receiver sees it."""
    tx.run(
        "INSERT INTO cloud_uploads (box, event_id, seq, state, next_at) VALUES (?, ?, ?, 'pending', ?) "
        "ON CONFLICT (box, event_id) DO NOTHING",
        (box, event_id, seq, now),
    )


def next_upload(tx: Tx, now: str) -> tuple | None:
    """(box, event_id, state, next_at) of an upload due now: pending, or sending with its lease run out."""
    return tx.one(
        "SELECT box, event_id, state, next_at FROM cloud_uploads "
        "WHERE state IN ('pending', 'sending') AND next_at <= ? ORDER BY next_at, box, event_id LIMIT 1",
        (now,),
    )


def claim_upload(tx: Tx, due: tuple, lease_until: str) -> bool:
    """Take the upload if nobody took it since it was read (compare and set on its state and time)."""
    box, event_id, state, next_at = due
    return (
        tx.run(
            "UPDATE cloud_uploads SET state = 'sending', attempts = attempts + 1, next_at = ? "
            "WHERE box = ? AND event_id = ? AND state = ? AND next_at = ?",
            (lease_until, box, event_id, state, next_at),
        )
        == 1
    )


def upload_attempts(tx: Tx, box: str, event_id: int) -> int:
    row = tx.one("SELECT attempts FROM cloud_uploads WHERE box = ? AND event_id = ?", (box, event_id))
    return int(row[0]) if row else 0


def finish_upload(tx: Tx, box: str, event_id: int, state: str, next_at: str, error: str | None, now: str) -> None:
    tx.run(
        "UPDATE cloud_uploads SET state = ?, next_at = ?, last_error = ?, "
        "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE box = ? AND event_id = ?",
        (state, next_at, error, state, now, box, event_id),
    )


def uploads(tx: Tx) -> list[tuple]:
    """(box, event_id, state, attempts, last_error, sent_at) of every upload."""
    return tx.all(
        "SELECT box, event_id, state, attempts, last_error, sent_at FROM cloud_uploads ORDER BY box, event_id"
    )
