"""The chair's PIN (security.md; issue #9 point 6): it resists guessing.

A new PIN is 6 to 32 digits, stored hashed (scrypt, a salt each). A correction checks the PIN first, before
anything about the round, so a wrong PIN gets the same 401 whatever state the round is in. Wrong PINs are
counted per device and per competition, in the database (a restart does not reset them): the first
FREE_ATTEMPTS in a row are answered at once; from the FREE_ATTEMPTS-th on, each locks the device or the
competition for FIRST_LOCK, doubled with every further wrong PIN up to LONGEST_LOCK. While locked every
attempt, right or wrong, gets 429 with Retry-After and is not checked. A right PIN clears both counts.
Every wrong or locked-out attempt is logged as a warning (never the PIN). Times are the box's clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import math
import secrets
import sqlite3

import msgspec

from appliance.db import marks as marks_db
from appliance.db import pins as db
from appliance.errors import AppError, Conflict, TooManyAttempts
from appliance.i18n import _
from appliance.services import Context, lookups
from appliance.trust import crypto

log = logging.getLogger(__name__)

MIN_DIGITS, MAX_DIGITS = 6, 32
FREE_ATTEMPTS = 5
FIRST_LOCK = dt.timedelta(seconds=30)
LONGEST_LOCK = dt.timedelta(hours=1)


class Verdict(msgspec.Struct, frozen=True):
    """The PIN checked outside the write lock (scrypt is slow on purpose), settled inside it."""

    right: bool
    stored: str


def pin_hash(pin: str, salt: bytes) -> str:
    return salt.hex() + "$" + hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1).hex()


def lock_after(failures: int) -> dt.timedelta | None:
    """The lockout the `failures`-th wrong PIN in a row starts: none, then 30 s, 60 s, 120 s, ... an hour at most."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_LOCK * 2 ** min(failures - FREE_ATTEMPTS, 16), LONGEST_LOCK)


def _keys(device_id: str, competition_id: int) -> list[str]:
    return [f"device:{device_id}", f"competition:{competition_id}"]


def locked_for(conn: sqlite3.Connection, now: dt.datetime, device_id: str, competition_id: int) -> int:
    """Seconds until this device may try a PIN for this competition again (0: now)."""
    until = [
        dt.datetime.fromisoformat(r["locked_until"])
        for r in db.attempts(conn, _keys(device_id, competition_id))
        if r["locked_until"]
    ]
    wait = max((u - now).total_seconds() for u in until) if until else 0
    return max(0, math.ceil(wait))


def _refuse_if_locked(conn: sqlite3.Connection, ctx: Context, device_id: str, competition_id: int) -> None:
    wait = locked_for(conn, ctx.now(), device_id, competition_id)
    if wait:
        log.warning(
            "chair's PIN attempt refused, locked out for %d s more: device %s, competition %d",
            wait,
            device_id,
            competition_id,
        )
        raise TooManyAttempts(_("too many wrong chair's PINs: try again in {wait} seconds", wait=wait), "pin", wait)


def _record_failure(conn: sqlite3.Connection, ctx: Context, device_id: str, competition_id: int) -> None:
    now, counts, locks = ctx.now(), [], []
    for key in _keys(device_id, competition_id):
        failures = db.record_failure(conn, key)
        lock = lock_after(failures)
        if lock is not None:
            db.lock(conn, key, (now + lock).isoformat())
            locks.append(int(lock.total_seconds()))
        counts.append(failures)
    log.warning(
        "wrong chair's PIN from device %s for competition %d (%d in a row from the device, %d for the competition)%s",
        device_id,
        competition_id,
        counts[0],
        counts[1],
        f"; locked out for {max(locks)} s" if locks else "",
    )


async def check(ctx: Context, device_id: str, competition_id: int, pin: str) -> Verdict:
    """Before the write: 409 if no PIN is set, 429 while locked out; then hash the PIN outside the write lock."""

    def look(conn: sqlite3.Connection) -> str:
        stored = marks_db.chair_pin(conn, competition_id)
        if stored is None:
            raise Conflict(_("no chair's PIN has been set for this competition"), "pin")
        _refuse_if_locked(conn, ctx, device_id, competition_id)
        return stored

    stored = await ctx.store.read(look)
    salt = bytes.fromhex(stored.split("$")[0])
    computed = await asyncio.to_thread(pin_hash, pin, salt)
    return Verdict(crypto.equal(computed, stored), stored)


def settle(ctx: Context, conn: sqlite3.Connection, device_id: str, competition_id: int, verdict: Verdict) -> bool:
    """Inside the write transaction: 429 if a lockout began meanwhile; count a wrong PIN (False), or clear (True)."""
    _refuse_if_locked(conn, ctx, device_id, competition_id)
    if marks_db.chair_pin(conn, competition_id) != verdict.stored:
        raise Conflict(_("the chair's PIN was changed meanwhile: try again"), "pin")
    if not verdict.right:
        _record_failure(conn, ctx, device_id, competition_id)
        return False
    db.clear(conn, _keys(device_id, competition_id))
    return True


def check_new_pin(pin: str) -> None:
    """A new PIN is 6 to 32 digits: else 400 in plain words."""
    if not (pin.isascii() and pin.isdigit()):
        raise AppError(_("the chair's PIN must be digits only (0-9)"), "pin")
    if not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise AppError(
            _(
                "the chair's PIN must be {low} to {high} digits, not {n}",
                low=MIN_DIGITS,
                high=MAX_DIGITS,
                n=len(pin),
            ),
            "pin",
        )


async def set_pin(ctx: Context, competition_id: int, pin: str) -> None:
    """The chair sets (or changes) the competition's PIN: 400 in plain words unless it is 6 or more digits."""
    check_new_pin(pin)
    hashed = await asyncio.to_thread(pin_hash, pin, secrets.token_bytes(16))

    def tx(conn: sqlite3.Connection) -> None:
        lookups.competition(conn, competition_id)
        marks_db.set_chair_pin(conn, competition_id, hashed)
        ctx.log(conn, "chair.pin_set", f"competition/{competition_id}", {})

    await ctx.store.write(tx)
