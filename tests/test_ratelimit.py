"""Public endpoints are rate-limited per client address: a burst, then 429 with Retry-After, then refilled."""

from __future__ import annotations

from appliance.ratelimit import RateLimit


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
    assert statuses[-1] == 429 and response.headers["retry-after"] and response.json()["error"]["code"] == "rate_limited"
