"""Rate limits on the public endpoints (enrolment, registration, public state): a token bucket per client address.

Each client may burst `capacity` requests to a group of endpoints, refilled at `rate` per second; past that it
gets 429 with Retry-After, in the one error shape. Signed requests from enrolled devices are not limited here.

The tables are bounded, and cycling source addresses cannot flush them: a bucket is dropped only once it has
refilled completely (then forgetting it changes nothing). When the per-address table is full of live buckets, a
new address shares a bucket with its network (/24 for IPv4, /64 for IPv6); when that table is full too, with
every other newcomer. A client already limited stays limited whatever other addresses do.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections import OrderedDict

from appliance.errors import send_error
from appliance.i18n import _, for_scope, translate

GROUPS = (
    ("/api/enrol", "enrol"),
    ("/api/register/", "register"),
    ("/api/live/state", "public"),
    ("/api/public/", "public"),
)
MAX_CLIENTS = 4096  # (address, group) buckets
MAX_NETWORKS = 1024  # (network, group) buckets for newcomers while the address table is full
LOG_EVERY = 60.0  # seconds between two warnings that a table is full

log = logging.getLogger(__name__)


def network_of(client: str) -> str:
    """The /24 (IPv4) or /64 (IPv6) an address belongs to; anything else is its own network."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    bits = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{bits}", strict=False))


class Buckets:
    """At most `size` token buckets, least recently used first; only a refilled bucket is ever dropped."""

    def __init__(self, size: int, capacity: float, rate: float):
        self.size, self.capacity, self.rate = size, capacity, rate
        self.table: OrderedDict[tuple[str, str], list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.table)

    def _refilled(self, bucket: list[float], now: float) -> bool:
        return bucket[0] + (now - bucket[1]) * self.rate >= self.capacity

    def get(self, key: tuple[str, str], now: float) -> list[float] | None:
        """The key's bucket, a new one if there is room, else None (the table is full of live buckets)."""
        bucket = self.table.get(key)
        if bucket is not None:
            self.table.move_to_end(key)
            return bucket
        while len(self.table) >= self.size:
            oldest = next(iter(self.table.values()))
            if not self._refilled(oldest, now):
                return None
            self.table.popitem(last=False)
        bucket = self.table[key] = [self.capacity, now]
        return bucket


class RateLimit:
    def __init__(
        self,
        app,
        capacity: float = 60,
        rate: float = 2.0,
        clock=time.monotonic,
        max_clients: int = MAX_CLIENTS,
        max_networks: int = MAX_NETWORKS,
    ):
        self.app, self.capacity, self.rate, self.clock = app, capacity, rate, clock
        self.clients = Buckets(max_clients, capacity, rate)
        self.networks = Buckets(max_networks, capacity, rate)
        self.shared: dict[str, list[float]] = {}  # group -> the last resort, for newcomers when both are full
        self.warned_at = -LOG_EVERY

    def _group(self, path: str) -> str | None:
        return next((name for prefix, name in GROUPS if path.startswith(prefix)), None)

    def _bucket(self, client: str, group: str, now: float) -> list[float]:
        bucket = self.clients.get((client, group), now)
        if bucket is not None:
            return bucket
        if now - self.warned_at >= LOG_EVERY:
            self.warned_at = now
            log.warning(
                "rate limit: %d client addresses are being limited; newcomers share a bucket per network",
                len(self.clients),
            )
        bucket = self.networks.get((network_of(client), group), now)
        return bucket if bucket is not None else self.shared.setdefault(group, [self.capacity, now])

    def take(self, client: str, group: str) -> float:
        """0 if the request may go, else the seconds until it may."""
        now = self.clock()
        bucket = self._bucket(client, group, now)
        bucket[0] = min(self.capacity, bucket[0] + (now - bucket[1]) * self.rate)
        bucket[1] = now
        if bucket[0] < 1:
            return (1 - bucket[0]) / self.rate
        bucket[0] -= 1
        return 0.0

    async def __call__(self, scope, receive, send):
        group = self._group(scope.get("path", "")) if scope["type"] == "http" else None
        if group is not None:
            client = (scope.get("client") or ("?", 0))[0]
            wait = self.take(client, group)
            if wait > 0:
                retry = ((b"retry-after", str(max(1, round(wait))).encode()),)
                said = translate(_("too many requests: wait a moment"), for_scope(scope))
                await send_error(send, 429, "rate_limited", said, headers=retry)
                return
        await self.app(scope, receive, send)
