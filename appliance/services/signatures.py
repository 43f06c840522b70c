"""A judge signs a round on the tablet once every dance's sheet is in: the 1-bit PNG is checked, stored and logged."""

from __future__ import annotations

import base64
import json
import sqlite3

from appliance.db import marks as marks_db
from appliance.db import signatures as db
from appliance.errors import Conflict, Forbidden, Invalid
from appliance.i18n import _, message_of
from appliance.model.marks import RoundToSign
from appliance.model.signature import SignatureIn, SignatureReceipt
from appliance.services import Context, lookups
from appliance.services.signature_png import BadSignature, check_png, decode, sha256
from appliance.trust import auth
from appliance.words import round_name


def _checked(data: SignatureIn) -> tuple[bytes, int, int]:
    try:
        png = decode(data.png)
        width, height = check_png(png)
    except BadSignature as exc:
        raise Invalid(message_of(exc), "png") from None
    return png, width, height


def _seat(conn: sqlite3.Connection, principal: auth.Principal, row: sqlite3.Row) -> sqlite3.Row:
    seat = next((r for r in marks_db.round_panel(conn, row["id"]) if r["id"] == principal.adjudicator_id), None)
    if seat is None:
        raise Forbidden(
            _("judge {judge} is not on the panel of the {name}", judge=principal.judge, name=round_name(row["name"])),
            "round_id",
        )
    return seat


async def sign_round(ctx: Context, principal: auth.Principal, round_id: int, data: SignatureIn) -> SignatureReceipt:
    """The judge's own signature of the round (signing again replaces it until the result is official)."""
    png, width, height = _checked(data)  # outside the write lock: the image is checked before anything is read

    def tx(conn: sqlite3.Connection) -> SignatureReceipt:
        row = lookups.round_row(conn, round_id)
        event = lookups.event(conn, row["event_id"])
        seat = _seat(conn, principal, row)
        missing = [d for d in event.dances if d not in db.dances_sent(conn, round_id, seat["id"])]
        if missing:
            raise Conflict(
                _(
                    "send your marks for every dance of the {name} first ({missing} is missing)",
                    name=round_name(row["name"]),
                    missing=missing[0],
                )
            )
        result = marks_db.get_result(conn, round_id)
        if result is not None and result["official"]:
            raise Conflict(
                _("the {name} is official: its signatures can no longer change", name=round_name(row["name"])),
                "round_id",
            )
        digest = sha256(png)
        db.save_signature(conn, round_id, seat["id"], png, digest)
        payload = {
            "round_id": round_id,
            "event_id": event.id,
            "judge": seat["letter"],
            "png": base64.b64encode(png).decode(),
            "sha256": digest,
        }
        ctx.log(conn, "round.signed", f"round/{round_id}", payload)
        return SignatureReceipt(round_id, seat["letter"], width, height, len(png), digest)

    return await ctx.store.write(tx)


def to_sign(conn: sqlite3.Connection, principal: auth.Principal) -> list[RoundToSign]:
    """The rounds this judge has sent every dance of and not signed yet (the tablet asks for the signature)."""
    if principal.role != "adjudicator" or principal.competition_id is None or principal.adjudicator_id is None:
        return []
    rows = db.unsigned_rounds(conn, principal.competition_id, principal.adjudicator_id)
    return [
        RoundToSign(r["round_id"], r["event"], r["round"]) for r in rows if r["sent"] >= len(json.loads(r["dances"]))
    ]
