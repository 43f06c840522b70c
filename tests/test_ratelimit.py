"""Public endpoints are rate-limited per client address: a burst, then 429 with Retry-After, then refilled."""

from __future__ import annotations

from appliance.trust.ratelimit import RateLimit


def test_a_client_gets_its_burst_then_waits():
    now = [100.0]
    limiter = RateLimit(app=None, capacity=3, rate=1.0, clock=lambda: now[0])
    assert [limiter.take("10.0.0.5", "register") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("10.0.0.5", "register") > 0
    assert limiter.take("10.0.0.6", "register") == 0.0  # another phone is not held back
    assert limiter.take("10.0.0.5", "enrol") == 0.0  # nor another group of endpoints
    now[0] += 1.0
    assert limiter.take("10.0.0.5", "register") == 0.0


async def test_a_flood_of_registrations_gets_429_with_retry_after(client):
    statuses = []
    for _ in range(70):
        response = await client.get("/api/register/not-a-real-token")
        statuses.append(response.status_code)
    assert statuses[:60] == [404] * 60
    assert (
        statuses[-1] == 429 and response.headers["retry-after"] and response.json()["error"]["code"] == "rate_limited"
    )


def _drained(limiter: RateLimit, client: str, group: str = "register") -> None:
    while limiter.take(client, group) == 0.0:
        pass
    assert limiter.take(client, group) > 0


def test_cycling_ten_thousand_addresses_does_not_flush_a_limited_client():
    """Issue #9 point 8: a flood of source addresses cannot reset the original client's bucket."""
    now = [100.0]
    limiter = RateLimit(app=None, clock=lambda: now[0])
    _drained(limiter, "192.168.4.23")
    for i in range(20_000):  # 10,000 and more: v4 across many networks, then v6 in one /64
        address = f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" if i < 10_000 else f"2001:db8::{i:x}"
        limiter.take(address, "register")
        if i % 1000 == 0:
            now[0] += 0.01  # the flood takes a little time; the client's bucket refills only 2 tokens a second
    assert limiter.take("192.168.4.23", "register") > 0
    assert len(limiter.clients) <= 4096 and len(limiter.networks) <= 1024  # bounded memory


def test_newcomers_share_their_network_s_bucket_while_the_table_is_full_and_get_their_own_later():
    now = [0.0]
    limiter = RateLimit(app=None, capacity=3, rate=1.0, clock=lambda: now[0], max_clients=4, max_networks=2)
    for i in range(4):
        _drained(limiter, f"10.0.0.{i}")
    assert [limiter.take("10.0.0.200", "register") for _ in range(4)][-1] > 0  # shares 10.0.0.0/24's bucket
    assert limiter.take("10.0.0.201", "register") > 0
    assert limiter.take("172.16.0.9", "register") == 0.0  # another network is not held back
    _drained(limiter, "172.16.0.9")
    _drained(limiter, "fd00::1")  # both network slots taken: the last resort, one shared bucket
    assert limiter.take("192.0.2.1", "register") > 0
    now[0] += 3.0  # every bucket refilled: forgetting them changes nothing, so newcomers get their own again
    assert [limiter.take("192.0.2.1", "register") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("10.0.0.0", "register") == 0.0


async def test_cycling_addresses_through_the_middleware_does_not_flush_a_limited_client():
    """The same through ASGI scopes, as uvicorn hands each request's peer address to the middleware."""
    passed: list[str] = []

    async def app(scope, receive, send):
        passed.append(scope["client"][0])

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    limiter = RateLimit(app, clock=lambda: 100.0)  # a flood within one instant: no refill to hide behind

    async def call(address: str) -> None:
        scope = {"type": "http", "path": "/api/register/some-token", "client": (address, 50000)}
        await limiter(scope, None, send)

    for _ in range(61):
        await call("192.168.4.23")
    assert passed.count("192.168.4.23") == 60 and sent[-2]["status"] == 429
    for i in range(12_000):  # 10,000 and more
        await call(f"10.{1 + i // 65536}.{i // 256 % 256}.{i % 256}")
    sent.clear()
    await call("192.168.4.23")
    assert passed.count("192.168.4.23") == 60 and sent[0]["status"] == 429
