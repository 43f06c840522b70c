"""The receiver's use cases: store a box's batch exactly once, pair a box with a one-time code, revoke it.

A batch is signed by the box's Ed25519 key (the body as sent). It is stored only for a box paired with this cloud
(a one-time code from `floorcraft cloud pair`, taken by `floorcraft pair CODE` on the box) and not revoked;
anything else is refused with 403 and nothing is stored. Each row's hash and the chain are checked; rows the cloud
holds already are compared and skipped (a batch sent again is stored once); a batch that does not follow what
the cloud holds is refused with 409 and the seq it expects. All of it is one transaction that locks the box's row,
so several receiver processes on one database store each batch once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from typing import Annotated

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from appliance.db import changelog
from appliance.db import cloud as db
from appliance.db.cloud_backend import CloudDB, Tx
from appliance.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized, plain_validation
from appliance.i18n import Message, _
from appliance.model.text import OPTIONAL_NAME, Input
from appliance.trust import crypto

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from a screen
CODE_LENGTH = 10
BOX_KEY = "^[A-Za-z0-9_-]{43}$"
FEDERATION_DUE = ("result.official",)  # the final's sign-off: the event's federation results are complete
NOT_PAIRED = _(
    "this box is not paired with this cloud: run `floorcraft cloud pair` on the cloud and `floorcraft pair CODE` "
    "on the box"
)
WHAT = {"batch": _("the batch"), "pairing request": _("the pairing request")}  # what a box sends, as refusals say it


class GapError(Conflict):
    def __init__(self, expected: int):
        super().__init__(_("this batch does not follow: send from seq {seq}", seq=expected), "rows")
        self.expected = expected


class Row(msgspec.Struct, forbid_unknown_fields=True):
    seq: Annotated[int, msgspec.Meta(ge=1)]
    kind: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    entity: Annotated[str, msgspec.Meta(max_length=200)]
    payload: Annotated[str, msgspec.Meta(max_length=8 * 1024 * 1024)]
    at: Annotated[str, msgspec.Meta(max_length=64)]
    prev_hash: Annotated[str, msgspec.Meta(max_length=64)]
    hash: Annotated[str, msgspec.Meta(max_length=64)]


class Batch(msgspec.Struct, forbid_unknown_fields=True):
    box: Annotated[str, msgspec.Meta(max_length=100)]
    rows: Annotated[list[Row], msgspec.Meta(max_length=5000)]


class PairIn(Input, forbid_unknown_fields=True, frozen=True):
    """A box's pairing request; its name (shown by `floorcraft cloud boxes`) is text like any other: trimmed, no
    control characters or text-direction overrides."""

    box: Annotated[str, msgspec.Meta(pattern=BOX_KEY)]
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    name: Annotated[str, msgspec.Meta(max_length=200, extra=OPTIONAL_NAME)] = ""


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _decode(body: bytes, kind: type, what: str):
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as exc:  # in plain words naming the field, never the validator's own text
        words, field = plain_validation(str(exc))
        raise Invalid(
            _("{what} is not valid: {words}", what=WHAT[what], words=_bodiless(words)), field or "body"
        ) from None
    except msgspec.DecodeError:
        raise Invalid(_("{what} is not JSON", what=WHAT[what]), "body") from None


def _bodiless(words: str) -> str:
    """Validation words without their "the request body " (the refusal names what was sent instead)."""
    prefix = "the request body "
    if not words.startswith(prefix):
        return words
    if isinstance(words, Message):  # "the request body {words}": its words, still to be translated
        rest = [value for value in words.params.values() if isinstance(value, str) and words == prefix + value]
        if rest:
            return rest[0]
    return words.removeprefix(prefix)


def verify_signed(box: str, body: bytes, signature: str, what: str) -> None:
    """The body must be signed by the Ed25519 key it names (X-Box-Signature, base64url)."""
    try:
        Ed25519PublicKey.from_public_bytes(crypto.unb64u(box)).verify(crypto.unb64u(signature), body)
    except (InvalidSignature, ValueError, TypeError):
        raise Unauthorized(_("{what} is not signed by the box it names", what=WHAT[what]), "X-Box-Signature") from None


def code_hash(code: str) -> str:
    """The stored form of a pairing code: dashes, spaces and case do not matter when it is typed in."""
    plain = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


def receive(store: CloudDB, body: bytes, signature: str, federation: bool = False) -> int:
    """Store a batch once; the highest contiguous seq now held for its box."""
    batch = _decode(body, Batch, "batch")
    verify_signed(batch.box, body, signature, "batch")
    with store.transaction() as tx:
        state = db.lock_box(tx, batch.box)
        if state is None:
            raise Forbidden(NOT_PAIRED, "box")
        if state[1] is not None:
            raise Forbidden(_("this box's pairing was revoked on {at}: pair it again to send", at=state[1]), "box")
        head = _apply(tx, batch.box, batch.rows)
        if federation:
            _queue_uploads(tx, batch.box, batch.rows)
    return head


def _apply(tx: Tx, box: str, rows: list[Row]) -> int:
    head, head_hash = db.head(tx, box)
    fresh: list[dict] = []
    for row in rows:
        if changelog.row_hash(row.seq, row.kind, row.entity, row.payload, row.at, row.prev_hash) != row.hash:
            raise Invalid(_("row {seq} does not match its hash", seq=row.seq), "rows")
        if row.seq <= head:
            if db.row_hash(tx, box, row.seq) != row.hash:
                raise Conflict(_("row {seq} differs from the one received before", seq=row.seq), "rows")
            continue
        if row.seq != head + 1 or row.prev_hash != (head_hash or changelog.GENESIS):
            raise GapError(head + 1)
        fresh.append(msgspec.structs.asdict(row))
        head, head_hash = row.seq, row.hash
    if fresh:
        db.insert_rows(tx, box, fresh)
    return head


def _queue_uploads(tx: Tx, box: str, rows: list[Row]) -> None:
    """An event whose final was signed off is due for the federation, once per (box, event)."""
    for row in rows:
        if row.kind in FEDERATION_DUE:
            payload = json.loads(row.payload)
            if "event_id" in payload:
                db.queue_upload(tx, box, int(payload["event_id"]), row.seq, now_text())


def new_code(store: CloudDB, minutes: int) -> tuple[str, dt.datetime]:
    """A one-time pairing code (only its hash is stored) and when it expires."""
    plain = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    expires = now + dt.timedelta(minutes=minutes)
    with store.transaction() as tx:
        db.add_pairing(tx, code_hash(plain), now.isoformat(), expires.isoformat())
    return f"{plain[:5]}-{plain[5:]}", expires


def pair(store: CloudDB, body: bytes, signature: str) -> dict:
    """A box takes a code: from now on its batches are accepted."""
    data = _decode(body, PairIn, "pairing request")
    verify_signed(data.box, body, signature, "pairing request")
    now = now_text()
    hashed = code_hash(data.code)
    with store.transaction() as tx:
        if not db.claim_pairing(tx, hashed, data.box, now):
            found = db.pairing(tx, hashed)
            raise Forbidden(_unusable_code(found), "code")
        db.pair_box(tx, data.box, data.name, now)
    return {"box": data.box, "paired_at": now}


def _unusable_code(found: tuple | None) -> str:
    if found is None:
        return _("this pairing code is unknown: make a new one with `floorcraft cloud pair`")
    if found[1]:
        return _("this pairing code is already used: make a new one with `floorcraft cloud pair`")
    return _("this pairing code is expired at {at}: make a new one with `floorcraft cloud pair`", at=found[0])


def revoke(store: CloudDB, box: str) -> str | None:
    """Revoke a paired box: None; a box revoked already: when it was (nothing is done); never paired: NotFound."""
    with store.transaction() as tx:
        if db.revoke_box(tx, box, now_text()):
            return None
        found = db.lock_box(tx, box)
    if found is None:
        raise NotFound(_("no paired box {box}", box=box), "box")
    return str(found[1])


def list_boxes(store: CloudDB, paired_only: bool = True) -> list[dict]:
    with store.transaction() as tx:
        rows = db.boxes(tx, paired_only)
        heads = {r[0]: db.head(tx, r[0])[1] for r in rows}
    names = ("box", "name", "paired_at", "revoked_at", "head", "rows")
    return [dict(zip(names, r, strict=True)) | {"head_hash": heads[r[0]]} for r in rows]
