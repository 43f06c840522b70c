"""A judge's signature of a round: a 1-bit PNG of at most 400x200 pixels, as the DTV's ESV takes it. Pure.

`check_png` reads the PNG itself (no imaging library): the 8-byte signature, an IHDR chunk first (width at most
400, height at most 200, bit depth 1, greyscale or palette, no interlace), every chunk's CRC, IEND last, and
image data that inflates to exactly the rows the header promises (never more: the inflater is bounded).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
import zlib

from appliance.i18n import _
from appliance.model.signature import MAX_BYTES, MAX_HEIGHT, MAX_WIDTH

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BadSignature(ValueError):
    """The image is not what a signature must be: the message says why, in plain words."""


def decode(text: str) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadSignature(_("png must be base64 (A-Z, a-z, 0-9, + and /)")) from None
    if len(data) > MAX_BYTES:
        raise BadSignature(_("the signature is {n} bytes; at most {most} are taken", n=len(data), most=MAX_BYTES))
    return data


def _chunks(data: bytes):
    at = len(PNG_SIGNATURE)
    while at < len(data):
        if at + 12 > len(data):
            raise BadSignature(_("the PNG ends in the middle of a chunk"))
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        end = at + 12 + length
        if end > len(data) or len(body) != length:
            raise BadSignature(_("the PNG ends in the middle of a chunk"))
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise BadSignature(
                _("the PNG's {kind} chunk is damaged (its CRC does not match)", kind=repr(kind.decode("latin-1")))
            )
        yield kind, body
        at = end


def _header(body: bytes) -> tuple[int, int]:
    width, height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", body)
    if not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT):
        raise BadSignature(
            _(
                "the signature is {width}x{height} pixels; at most {max_width}x{max_height} are taken",
                width=width,
                height=height,
                max_width=MAX_WIDTH,
                max_height=MAX_HEIGHT,
            )
        )
    if depth != 1 or colour not in (0, 3):
        raise BadSignature(
            _(
                "the signature must be a 1-bit black-and-white PNG, not {depth}-bit (colour type {colour})",
                depth=depth,
                colour=colour,
            )
        )
    if interlace != 0:
        raise BadSignature(_("the signature must not be interlaced"))
    return width, height


def check_png(data: bytes) -> tuple[int, int]:
    """(width, height) of a valid 1-bit PNG of at most 400x200, else BadSignature saying what is wrong."""
    if not data.startswith(PNG_SIGNATURE):
        raise BadSignature(_("the signature is not a PNG image"))
    chunks = list(_chunks(data))
    if not chunks or chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise BadSignature(_("the PNG does not start with its header (IHDR)"))
    if chunks[-1][0] != b"IEND":
        raise BadSignature(_("the PNG does not end with IEND"))
    width, height = _header(chunks[0][1])
    expected = ((width + 7) // 8 + 1) * height
    inflater = zlib.decompressobj()
    try:
        pixels = inflater.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"), expected + 1)
    except zlib.error:
        raise BadSignature(_("the PNG's image data cannot be read")) from None
    if len(pixels) != expected or not inflater.eof:
        raise BadSignature(_("the PNG's image data does not match its size"))
    return width, height


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
