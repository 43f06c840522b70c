"""Issue 12 point 5: the sync error the desk's panel shows (GET /api/sync `last_error`) is kept as a message, not as
English text, so the desk reads it in its own language; a program (no Accept-Language) still reads English."""

from __future__ import annotations

import httpx
import pytest

from appliance.box.sync import Syncer
from tests.server import free_port


@pytest.fixture
def settings(tmp_path):
    from appliance.settings import Settings

    nobody = f"http://127.0.0.1:{free_port()}"  # loopback, nothing listens: the cloud does not answer
    return Settings(data_dir=str(tmp_path / "data"), mdns=False, allowed_hosts=("testserver.local",), cloud_url=nobody)


async def test_the_desk_reads_why_the_cloud_sync_failed_in_german(client, scrutineer, settings):
    syncer = Syncer(client.app.state["ctx"].store, settings)
    async with httpx.AsyncClient(timeout=5) as http:
        assert await syncer.step(http) > 0  # the enrolment's row is due and the send failed: it waits to retry
    german = (await scrutineer.request("GET", "/api/sync", headers={"Accept-Language": "de"})).json()
    english = (await scrutineer.get("/api/sync")).json()
    assert german["last_error"].startswith("die Cloud hat nicht geantwortet (ConnectError"), german
    assert english["last_error"].startswith("the cloud did not answer (ConnectError"), english
    assert german["pending"] == english["pending"] >= 1
