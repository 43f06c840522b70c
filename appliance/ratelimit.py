"""Rate limits on the public endpoints (enrolment, registration, public state): a token bucket per client address.

Each client may burst `capacity` requests to a group of endpoints, refilled at `rate` per second; past that it
gets 429 with Retry-After, in the one error shape. Signed requests from enrolled devices are not limited here.
"""

from __future__ import annotations

import json
import time

GROUPS = (("/api/enrol", "enrol"), ("/api/register/", "register"), ("/api/live/state", "public"),
          ("/api/public/", "public"))
MAX_CLIENTS = 10_000


class RateLimit:
    def __init__(self, app, capacity: float = 60, rate: float = 2.0, clock=time.monotonic):
        self.app, self.capacity, self.rate, self.clock = app, capacity, rate, clock
        self.buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def _group(self, path: str) -> str | None:
        return next((name for prefix, name in GROUPS if path.startswith(prefix)), None)

    def take(self, client: str, group: str) -> float:
        """0 if the request may go, else the seconds until it may."""
        now = self.clock()
        tokens, last = self.buckets.get((client, group), (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens < 1:
            self.buckets[(client, group)] = (tokens, now)
            return (1 - tokens) / self.rate
        if len(self.buckets) > MAX_CLIENTS:
            self.buckets.clear()  # bounded memory: a flood of addresses resets everyone's buckets
        self.buckets[(client, group)] = (tokens - 1, now)
        return 0.0

    async def __call__(self, scope, receive, send):
        group = self._group(scope.get("path", "")) if scope["type"] == "http" else None
        if group is not None:
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.take(client, group)
            if wait > 0:
                body = json.dumps({"error": {"status": 429, "code": "rate_limited", "field": None,
                                             "message": "too many requests: wait a moment"}}).encode()
                await send({"type": "http.response.start", "status": 429, "headers": [
                    (b"content-type", b"application/json"), (b"retry-after", str(max(1, round(wait))).encode())]})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
