"""A small client for signed requests: enrol from a QR URL, then sign every request (tests, demo, benchmark).

http = httpx.AsyncClient(base_url="http://127.0.0.1:8000")
tablet = await SignedClient.enrol(http, "http://127.0.0.1:8000/join#<id>.<secret>")
await tablet.post("/api/...", json={...})
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from appliance.trust import crypto


class EnrolmentFailed(RuntimeError):
    pass


class SignedClient:
    """One enrolled device: its id, key and counter, over an httpx.AsyncClient."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        device_id: str,
        key: bytes,
        role: str,
        judge: str | None = None,
        counter: int | None = None,
    ):
        self.http, self.device_id, self.key, self.role, self.judge = http, device_id, key, role, judge
        # Start from the time in microseconds: strictly increasing even for a client that restarts.
        self.counter = counter if counter is not None else time.time_ns() // 1000
        self._one_at_a_time = asyncio.Lock()  # a device's counter must reach the box in order

    @classmethod
    async def enrol(cls, http: httpx.AsyncClient, url: str, device_id: str | None = None) -> SignedClient:
        fragment = urlsplit(url).fragment
        enrolment_id, _, secret_text = fragment.partition(".")
        secret = crypto.unb64u(secret_text)
        device_id = device_id or secrets.token_urlsafe(12)
        private, public = crypto.new_keypair()
        proof = crypto.enrol_proof(secret, enrolment_id, device_id, public)
        response = await http.post(
            "/api/enrol",
            json={"enrolment_id": enrolment_id, "device_id": device_id, "public_key": public, "proof": proof},
        )
        if response.status_code != 200:
            raise EnrolmentFailed(f"{response.status_code}: {response.text}")
        answer = response.json()
        expected = crypto.box_proof(secret, enrolment_id, device_id, answer["box_public_key"])
        if not crypto.equal(answer["proof"], expected):
            raise EnrolmentFailed("the box's answer is not proved by the QR secret (not our box?)")
        key = crypto.device_key(private, answer["box_public_key"], secret)
        return cls(http, device_id, key, answer["role"], answer["judge"])

    def sign(self, method: str, path: str, body: bytes, idempotency_key: str | None = None) -> dict[str, str]:
        self.counter += 1
        key = idempotency_key or secrets.token_urlsafe(16)
        return {
            "X-Device": self.device_id,
            "X-Counter": str(self.counter),
            "Idempotency-Key": key,
            "X-Signature": crypto.signature(self.key, method, path, self.counter, key, body),
        }

    async def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        content: bytes | None = None,
        idempotency_key: str | None = None,
        headers: dict | None = None,
    ) -> httpx.Response:
        body = content if content is not None else (b"" if json_body is None else json.dumps(json_body).encode())
        async with self._one_at_a_time:
            signed = self.sign(method, path, body, idempotency_key)
            if json_body is not None:
                signed["Content-Type"] = "application/json"
            return await self.http.request(method, path, content=body, headers={**signed, **(headers or {})})

    async def get(self, path: str) -> httpx.Response:
        return await self.request("GET", path)

    async def post(self, path: str, json: Any = None, **kwargs) -> httpx.Response:
        return await self.request("POST", path, json, **kwargs)

    async def put(self, path: str, json: Any = None, **kwargs) -> httpx.Response:
        return await self.request("PUT", path, json, **kwargs)

    async def patch(self, path: str, json: Any = None, **kwargs) -> httpx.Response:
        return await self.request("PATCH", path, json, **kwargs)
