"""TLS for venues whose tablets trust the organiser's certificate (FLOORCRAFT_TLS_CERT, FLOORCRAFT_TLS_KEY).

`floorcraft serve` checks both files before it binds the port, opens the database or announces anything: a file it
cannot read, one that is not a PEM certificate or key, an encrypted key (nobody is there to type its passphrase)
or a key that is not the certificate's is one line in plain words and exit status 2. uvicorn then serves https.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from appliance.i18n import _
from appliance.settings import Settings


class TLSError(ValueError):
    """The certificate or its key cannot be used (the message says why, naming the setting)."""


def _read(setting: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise TLSError(
            _(
                "cannot read FLOORCRAFT_{setting} {path}: {reason}",
                setting=setting,
                path=path,
                reason=exc.strerror or str(exc),
            )
        ) from None


def check(settings: Settings) -> None:
    """Nothing with TLS off; else TLSError unless the certificate and its own unencrypted key load."""
    if not settings.tls:
        return
    from cryptography import x509  # only with TLS on: a box without it never loads `cryptography` for this
    from cryptography.hazmat.primitives import serialization

    cert, key = settings.tls_cert, settings.tls_key
    cert_pem, key_pem = _read("TLS_CERT", cert), _read("TLS_KEY", key)
    try:
        x509.load_pem_x509_certificates(cert_pem)
    except ValueError:
        raise TLSError(
            _(
                "FLOORCRAFT_TLS_CERT {cert} is not a PEM certificate (-----BEGIN CERTIFICATE-----)",
                cert=cert,
            )
        ) from None
    try:
        serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise TLSError(
            _(
                "FLOORCRAFT_TLS_KEY {key} is encrypted: the box starts unattended, so give it "
                "the key unencrypted (readable by root only)",
                key=key,
            )
        ) from None
    except ValueError:
        raise TLSError(
            _("FLOORCRAFT_TLS_KEY {key} is not a PEM private key (-----BEGIN PRIVATE KEY-----)", key=key)
        ) from None
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise TLSError(
                _(
                    "FLOORCRAFT_TLS_KEY {key} is not the private key of the certificate {cert}",
                    key=key,
                    cert=cert,
                )
            ) from None
        raise TLSError(
            _(
                "cannot use FLOORCRAFT_TLS_CERT {cert} with FLOORCRAFT_TLS_KEY {key}: {reason}",
                cert=cert,
                key=key,
                reason=str(exc),
            )
        ) from None


def uvicorn_options(settings: Settings) -> dict:
    """uvicorn.Config's TLS options: none with TLS off."""
    return {"ssl_certfile": settings.tls_cert, "ssl_keyfile": settings.tls_key} if settings.tls else {}


def loopback_client(settings: Settings) -> ssl.SSLContext | bool:
    """httpx's `verify` for the box's own requests to itself on 127.0.0.1 (simulated judges): its own certificate
    is the one trusted, whatever names it carries (the organiser's certificate names the box's LAN address)."""
    if not settings.tls:
        return True
    context = ssl.create_default_context(cafile=settings.tls_cert)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the leaf itself is trusted, not only a root
    return context
