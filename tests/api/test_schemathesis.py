"""Schemathesis over the whole API, as the box publishes it at /api/schema (issue #9 point 7).

A real `floorcraft serve --demo` on loopback; every generated request to a signed route is signed on the wire
(a requests auth hook: method, path with query, body hash, counter, idempotency key) by an enrolled device of a
role the route takes (the OpenAPI security scopes name the roles). The checks: no 5xx, every status and
content type is one the document declares for the route, and every answer matches the declared schema
(the one error shape included). Bounded: a few examples per operation and a time budget for the whole run.
"""

from __future__ import annotations

import asyncio
import collections
import json
import time

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from appliance.openapi import SIGNED
from appliance.trust.client import SignedClient
from tests.server import Server

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 10  # per operation and mode (positive, negative); about 50 operations
BUDGET = 100.0  # seconds for the whole run: past it, the remaining examples are cut short


@schemathesis.serializer("text/csv")
def _csv(ctx, value) -> bytes:  # the CSV import's body: generated as a string
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


class Signer(requests.auth.AuthBase):
    """Signs the prepared request exactly as it goes on the wire, with a device of a role the route takes."""

    def __init__(self, devices: dict[str, SignedClient]):
        self.devices = devices
        self.roles: tuple[str, ...] = ()

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        device = next((self.devices[role] for role in self.roles if role in self.devices), None)
        if device is None:
            return r
        body = r.body.encode() if isinstance(r.body, str) else (r.body or b"")
        if isinstance(r.body, str):
            r.body = body
            r.headers["Content-Length"] = str(len(body))
        r.headers.update(device.sign(r.method, r.path_url, body))
        return r


async def _enrol_devices(box: Server) -> dict[str, SignedClient]:
    async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, box.first_enrolment_url())
        devices = {"scrutineer": desk}
        for role, seat in (
            ("chair", {"competition_id": 1}),
            ("adjudicator", {"competition_id": 1, "judge": "A"}),
            ("display", {"competition_id": 1}),
        ):
            made = await desk.post("/api/enrolments", json={"role": role, **seat})
            assert made.status_code == 201, made.text
            devices[role] = await SignedClient.enrol(http, made.json()["url"])
    for device in devices.values():
        device.http = None  # the requests session sends from here on; the clients only sign
    return devices


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("schemathesis"), demo=True).start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def signer(box) -> Signer:
    return Signer(asyncio.run(_enrol_devices(box)))


@pytest.fixture(scope="module")
def api_schema(box):
    return schemathesis.openapi.from_url(f"{box.base}/api/schema")


@pytest.fixture(scope="module")
def session(signer):
    with requests.Session() as s:
        s.auth = signer
        yield s


def _exercise(
    operation,
    mode: GenerationMode,
    session: requests.Session,
    signer: Signer,
    stop_at: float,
    failures: dict[str, str],
    answered: dict[str, set[int]],
) -> int:
    """Up to EXAMPLES generated cases of one operation; the first failure of each operation is kept."""
    security = operation.definition.raw.get("security") or [{}]
    roles = tuple(security[0].get(SIGNED, ()))
    ran = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        if time.monotonic() > stop_at or operation.label in failures:
            return
        signer.roles = roles
        ran.append(1)
        try:
            response = case.call_and_validate(session=session, checks=CHECKS, timeout=10)
            answered[operation.label].add(response.status_code)
        except (AssertionError, FailureGroup, requests.RequestException) as exc:
            failures[operation.label] = f"{mode.value}: {exc}"[:2000]

    try:
        run()
    except Unsatisfiable:  # negative data for an operation that takes no input at all
        assert mode is GenerationMode.NEGATIVE, operation.label
    return len(ran)


def test_the_api_conforms_to_its_document_and_never_fails(api_schema, session, signer):
    """Every operation, positive and negative data: no 5xx, declared statuses, content types and schemas."""
    stop_at = time.monotonic() + BUDGET
    failures: dict[str, str] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 40
    answered: dict[str, set[int]] = collections.defaultdict(set)
    cases = sum(
        _exercise(op, mode, session, signer, stop_at, failures, answered)
        for op in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    )
    assert not failures, f"{len(failures)} operations fail:\n" + "\n\n".join(f"{k}: {v}" for k, v in failures.items())
    assert cases > 2 * len(operations), cases  # about 900 on a quiet machine
    succeeded = [label for label, codes in answered.items() if any(200 <= c < 300 for c in codes)]
    assert len(succeeded) > 15, answered  # signed cases get through: the signer signs what the box checks


def test_the_signer_signs_what_the_box_checks(box, session, signer):
    """The harness itself: a signed read of a scrutineer route answers 200 (else every signed case is a 401)."""
    signer.roles = ("scrutineer",)
    response = session.get(f"{box.base}/api/competitions", timeout=10)
    assert response.status_code == 200, response.text
