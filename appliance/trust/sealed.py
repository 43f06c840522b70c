"""Encrypted backups: a full database leaves the box only sealed with a passphrase the organiser chooses.

The key is scrypt(passphrase, salt) and the file is AES-256-GCM in chunks (the STREAM construction: each
chunk's nonce carries its number and a "last chunk" flag, so chunks cannot be reordered, dropped or the file
cut short without the decryption failing). The file format, all integers big-endian:

    offset  size  field
    0       8     magic  b"FCBACKUP"
    8       1     format version (1)
    9       1     scrypt cost: log2(N)  (17 when written; 15..20 accepted)
    10      1     scrypt r  (8)
    11      1     scrypt p  (1)
    12      16    salt (random)
    28      4     chunk size: plaintext bytes per chunk (65536)
    32      7     nonce prefix (random)
    39      ...   chunks: AES-GCM(key, nonce, plaintext chunk, associated data = the 39-byte header),
                  each the chunk's ciphertext followed by its 16-byte tag; every chunk but the last holds
                  exactly `chunk size` plaintext bytes, the last holds 0..chunk size.

    nonce (12 bytes) = nonce prefix (7) | chunk number (4, from 0) | 1 for the last chunk else 0 (1)

A wrong passphrase fails on the first chunk's tag; nothing of the plaintext is trusted before its tag is.
"""

from __future__ import annotations

import os
import secrets
import struct
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from appliance.i18n import _

if TYPE_CHECKING:  # `cryptography` loads when a backup is sealed or opened, not with the server
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"FCBACKUP"
VERSION = 1
HEADER = struct.Struct(">8sBBBB16sI7s")  # 39 bytes
LOG2_N, R, P = 17, 8, 1
CHUNK = 64 * 1024
TAG = 16
MIN_PASSPHRASE = 10


class SealError(ValueError):
    """The file is not an encrypted Floorcraft backup, is damaged, or the passphrase is wrong."""


class WrongPassphrase(SealError):
    pass


def is_sealed(path: Path) -> bool:
    try:
        with open(path, "rb") as src:
            return src.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def check_passphrase(passphrase: str) -> str:
    """The passphrase as used (NFC, without a trailing newline); too short is refused."""
    text = unicodedata.normalize("NFC", passphrase.rstrip("\r\n"))
    if len(text.strip()) < MIN_PASSPHRASE:
        raise SealError(_("the backup passphrase must have at least {n} characters", n=MIN_PASSPHRASE))
    return text


def read_passphrase_file(path: Path) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SealError(
            _("cannot read the backup passphrase file {path}: {reason}", path=str(path), reason=str(exc))
        ) from None
    return check_passphrase(text)


def _aead(passphrase: str, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    """AES-256-GCM under the scrypt key of the passphrase."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return AESGCM(Scrypt(salt=salt, length=32, n=2**log2_n, r=r, p=p).derive(check_passphrase(passphrase).encode()))


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def _chunks(src: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """(chunk, is it the last) for every chunk of `src`, with one chunk of look-ahead; at least one chunk."""
    current = src.read(size)
    while True:
        following = src.read(size)
        yield current, not following
        if not following:
            return
        current = following


def seal_file(source: Path, target: Path, passphrase: str) -> None:
    """Encrypt `source` into `target` (temporary name, fsync, rename: whole or absent)."""
    salt, prefix = secrets.token_bytes(16), secrets.token_bytes(7)
    header = HEADER.pack(MAGIC, VERSION, LOG2_N, R, P, salt, CHUNK, prefix)
    aead = _aead(passphrase, salt, LOG2_N, R, P)
    temporary = target.with_name(f".{target.name}.partial")
    with open(source, "rb") as src, open(temporary, "wb") as out:
        out.write(header)
        for number, (chunk, last) in enumerate(_chunks(src, CHUNK)):
            out.write(aead.encrypt(_nonce(prefix, number, last), chunk, header))
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)


def _read_header(src: BinaryIO) -> tuple[bytes, tuple]:
    header = src.read(HEADER.size)
    if len(header) < HEADER.size or not header.startswith(MAGIC):
        raise SealError(_("not an encrypted Floorcraft backup"))
    fields = HEADER.unpack(header)
    version, log2_n, r, p, chunk = fields[1], fields[2], fields[3], fields[4], fields[6]
    if version != VERSION:
        raise SealError(
            _("encrypted backup format {version} is not known to this version of Floorcraft", version=version)
        )
    if not (15 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4 and 1024 <= chunk <= 16 * 1024 * 1024):
        raise SealError(_("the encrypted backup's header is damaged (impossible parameters)"))
    return header, fields


def unseal_file(source: Path, target: Path, passphrase: str) -> None:
    """Decrypt `source` into `target`; WrongPassphrase or SealError (and `target` removed) if it does not open."""
    from cryptography.exceptions import InvalidTag

    try:
        with open(source, "rb") as src, open(target, "wb") as out:
            header, (_magic, _version, log2_n, r, p, salt, chunk, prefix) = _read_header(src)
            aead = _aead(passphrase, salt, log2_n, r, p)
            for number, (data, last) in enumerate(_chunks(src, chunk + TAG)):
                try:
                    out.write(aead.decrypt(_nonce(prefix, number, last), data, header))
                except InvalidTag:
                    if number == 0:
                        raise WrongPassphrase(_("wrong passphrase (or the backup file was altered)")) from None
                    raise SealError(
                        _("the encrypted backup is damaged, cut short or altered (chunk {number})", number=number)
                    ) from None
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        Path(target).unlink(missing_ok=True)
        raise
