"""No secret in the logs: registration tokens and enrolment secrets are redacted from every log line.

uvicorn's access log prints each request's path, and a public registration's path carries its link's token
(`/api/register/<token>/couple`); a URL of a registration link or of an enrolment QR code carries the token or
the secret in its fragment. The filter rewrites them before any handler formats the record. The first
enrolment QR code of `floorcraft serve` is printed to the terminal (stdout), not logged.
"""

from __future__ import annotations

import logging
import re

PATTERNS = (
    (re.compile(r"(/api/register/)[^/?#\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(/register/?#)[^\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(/join/?#)[^\s\"']+"), r"\1[redacted]"),
)
LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access")


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class Redact(logging.Filter):
    """Rewrite the message and its string arguments (keeping their number: uvicorn's formatter unpacks them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Add the filter to every handler of the root and uvicorn loggers (after uvicorn.Config set logging up)."""
    for name in LOGGERS:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, Redact) for f in handler.filters):
                handler.addFilter(Redact())
