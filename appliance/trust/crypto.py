"""The enrolment and request-signing primitives of security.md, shared by the box and the Python client.

- enrolment proof: HMAC-SHA-256(K, "enrol|<id>|<device>|<device public key>")
- box proof:       HMAC-SHA-256(K, "box|<id>|<device>|<box public key>")
- device key:      HKDF-SHA-256(X25519 shared secret, salt=K, info="floorcraft device key v1"), 32 bytes
- signature:       HMAC-SHA-256(device key, "<METHOD>|<path?query>|<counter>|<idempotency key>|<sha256(body) hex>")
Keys travel base64url without padding; proofs and signatures as lowercase hex.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # `cryptography` (~6 MB) loads at the first enrolment, not with every request's HMAC check
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

INFO = b"floorcraft device key v1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def enrol_proof(secret: bytes, enrolment_id: str, device_id: str, device_public: str) -> str:
    return _mac(secret, f"enrol|{enrolment_id}|{device_id}|{device_public}")


def box_proof(secret: bytes, enrolment_id: str, device_id: str, box_public: str) -> str:
    return _mac(secret, f"box|{enrolment_id}|{device_id}|{box_public}")


def equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def new_keypair() -> tuple[X25519PrivateKey, str]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    private = X25519PrivateKey.generate()
    return private, b64u(private.public_key().public_bytes_raw())


def device_key(private: X25519PrivateKey, peer_public: str, secret: bytes) -> bytes:
    """Both sides: HKDF over the X25519 shared secret, salted with the enrolment secret."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    shared = private.exchange(X25519PublicKey.from_public_bytes(unb64u(peer_public)))
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=secret, info=INFO).derive(shared)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signature(key: bytes, method: str, path: str, counter: int, idempotency_key: str, body: bytes) -> str:
    return _mac(key, f"{method.upper()}|{path}|{counter}|{idempotency_key}|{body_hash(body)}")


def ed25519_verify(public: bytes, signature: bytes, data: bytes) -> None:
    """ValueError unless `signature` is the Ed25519 signature of `data` by the raw public key `public`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
    except InvalidSignature:
        raise ValueError("the signature does not match") from None
