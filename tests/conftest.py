"""Shared fixtures: paths to the project and to its test data (tests/data, nothing outside the repository)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"  # copied into the repository, with its sources: tests/data/README.md


# The suite reads the box's English (the msgid): a developer's German terminal must not change what the CLI says to
# the tests run in this process. Tests of the German set LANG=de_DE.UTF-8 themselves (tests/test_cli_german.py).
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

ALONE = ("tests/reliability/", "tests/test_connections.py")
"""Tests that bound a time under load (a sheet in < 2 s beside 1,100 connections, the watchdog during an import):
`./dev test` runs them after the rest, with no other test beside them (marker `alone`)."""


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if Path(item.path).relative_to(ROOT).as_posix().startswith(ALONE):
            item.add_marker(pytest.mark.alone)


def floorcraft(
    data_dir: Path, *args: str, env: dict | None = None, check: bool = False, timeout: float = 180, text: bool = False
) -> subprocess.CompletedProcess:
    """`floorcraft ARGS` as a separate process on the data dir `data_dir` (no mDNS), as an operator runs it."""
    full = {"FLOORCRAFT_DATA_DIR": str(data_dir), "FLOORCRAFT_MDNS": "false", "PATH": os.environ.get("PATH", "")}
    run = subprocess.run(
        [sys.executable, "-m", "appliance", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=timeout,
        env=full | (env or {}),
        text=text,
    )
    if check:
        assert run.returncode == 0, run.stderr
    return run


@pytest.fixture(scope="session")
def judged_demo_master(tmp_path_factory) -> Path:
    """The demo judged to official results by simulated tablets through the signed API (as `./dev run` does),
    exported once: made once per test process; modules get copies (`judged_demo`)."""
    data = tmp_path_factory.mktemp("judged-demo") / "data"
    data.mkdir()
    floorcraft(data, "demo", "--simulate", check=True)
    floorcraft(data, "export", str(tmp_path_factory.mktemp("first-stick")), check=True)  # the box key, kept PDFs
    return data


@pytest.fixture(scope="module")
def judged_demo(judged_demo_master, tmp_path_factory) -> Path:
    """A module's own copy of the judged demo's data dir (database, box key, checkpoints, kept documents): its
    exports take the PDFs of this unchanged state from the kept documents (appliance/printing/kept.py)."""
    copy = tmp_path_factory.mktemp("judged") / "data"
    shutil.copytree(judged_demo_master, copy)
    return copy


def public_cases() -> list[dict]:
    return json.loads((DATA / "skating" / "public.json").read_text())


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def settings(tmp_path):
    from appliance.settings import Settings

    return Settings(data_dir=str(tmp_path / "data"), mdns=False, allowed_hosts=("testserver.local",))


@pytest.fixture
async def client(settings):
    """The whole app on a real SQLite file in tmp_path, through Litestar's in-process client."""
    from litestar.testing import AsyncTestClient

    from appliance.app import create_app

    async with AsyncTestClient(create_app(settings)) as test_client:
        yield test_client


async def enrolled(client, role: str = "scrutineer", **seat):
    """A device of `role` enrolled through the real QR flow (the enrolment made by the service, as the box does)."""
    from appliance.model.devices import EnrolmentIn
    from appliance.services import enrolment
    from appliance.trust.client import SignedClient

    made = await enrolment.create_enrolment(client.app.state["ctx"], EnrolmentIn(role, **seat))
    return await SignedClient.enrol(client, made.url)


@pytest.fixture
async def scrutineer(client):
    return await enrolled(client)


class Api:
    """Small helpers so API tests read as sentences; every request is signed by the scrutineer's device."""

    def __init__(self, client, device):
        self.raw = client
        self.device = device
        self.client = _Signing(device)

    @classmethod
    async def of_owner(cls, http, server) -> Api:
        """The box's owner (its first scrutineer, enrolled from the QR code the server logged) on `http`."""
        from appliance.trust.client import SignedClient

        return cls(http, await SignedClient.enrol(http, server.first_enrolment_url()))

    async def head(self) -> int:
        return (await self.client.get("/api/health")).json()["change_log_head"]

    async def ok(self, method: str, path: str, status: int = 200, **kwargs):
        response = await self.client.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        return response.json()

    async def refused(self, method: str, path: str, status: int, field: str | None, **kwargs) -> dict:
        """The request gets `status` with the one error shape naming `field`, and nothing is written."""
        before = await self.head()
        response = await self.client.request(method, path, **kwargs)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert set(error) >= {"status", "code", "message", "field"} and error["status"] == status
        assert error["message"]
        if field is not None:
            assert error["field"] == field, error
        assert await self.head() == before, "a refused request wrote to the change log"
        return error

    async def competition(self, **overrides) -> dict:
        body = {
            "name": "Spring Cup",
            "starts_on": "2026-12-05",
            "ends_on": "2026-12-06",
            "venue": "Town Hall",
            "floors": ["Main floor", "Second floor"],
        } | overrides
        return await self.ok("POST", "/api/competitions/", 201, json=body)

    async def event(self, competition_id: int, **overrides) -> dict:
        body = {"name": "Adult Standard", "style": "standard", "dances": ["W", "T", "Q"]} | overrides
        return await self.ok("POST", f"/api/competitions/{competition_id}/events", 201, json=body)

    async def link(self, competition_id: int, role: str = "couple", **extra) -> dict:
        return await self.ok(
            "POST", f"/api/competitions/{competition_id}/registration-links", 201, json={"role": role} | extra
        )

    async def register(self, token: str, leader: str, follower: str, events: list[int], status: int = 201):
        return await self.ok(
            "POST",
            f"/api/register/{token}/couple",
            status,
            json={"leader": leader, "follower": follower, "events": events},
        )


class _Signing:
    """The request(method, path, json=, content=, headers=) of httpx, signed by one device."""

    def __init__(self, device):
        self.device = device

    async def request(self, method, path, json=None, content=None, headers=None):
        return await self.device.request(method, path, json, content=content, headers=headers)

    async def get(self, path):
        return await self.device.get(path)


@pytest.fixture
def api(client, scrutineer) -> Api:
    return Api(client, scrutineer)
