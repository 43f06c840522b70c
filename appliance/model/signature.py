"""A judge's signature of a round: the request and the receipt (the PNG checks: services/signature_png.py)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

MAX_WIDTH, MAX_HEIGHT = 400, 200
MAX_BYTES = 16 * 1024  # a 400x200 1-bit image is 10,200 bytes before compression


class SignatureIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The judge's signature of the round: a 1-bit PNG of at most 400x200 pixels, in base64."""

    png: Annotated[str, Meta(min_length=1, max_length=4 * MAX_BYTES // 3 + 4, description="base64 of the PNG")]


class SignatureReceipt(msgspec.Struct, frozen=True):
    round_id: int
    judge: str
    width: int
    height: int
    size: int
    sha256: str
