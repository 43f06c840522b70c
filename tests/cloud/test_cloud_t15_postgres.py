"""T15 again, on PostgreSQL with two receiver processes behind one address: the box's batches go to one and the
other in turn through the fault proxy (commit then 500, a timeout, 429 with Retry-After, the box killed
mid-batch, a gap); the cloud ends with exactly the box's log, every row once."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time

import httpx

from appliance.trust.client import SignedClient
from tests.box.test_sync import FaultProxy, box_log
from tests.cloud.boxes import CloudProcess, pair_with_commands
from tests.server import Server


class Alternating(FaultProxy):
    """The fault proxy in front of several receivers: each request goes to the next one (a load balancer)."""

    def __init__(self, upstreams: list[str], plan: dict[int, str]):
        super().__init__(upstreams[0], plan)
        self.turn = itertools.cycle(upstreams)

    @property
    def upstream(self) -> str:
        return next(self.turn)

    @upstream.setter
    def upstream(self, _: str) -> None:
        pass


def cloud_rows(url: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute("SELECT seq, hash FROM cloud_log ORDER BY seq").fetchall()]


async def synced(box_dir, url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cloud_rows(url) == box_log(box_dir):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not synced: box head {box_log(box_dir)[-1:]}, cloud head {cloud_rows(url)[-1:]}")


async def test_t15_on_postgresql_with_two_receivers_the_cloud_ends_with_exactly_the_boxs_log(tmp_path, pg_url):
    box_dir = tmp_path / "box"
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path / "cloud"), "FLOORCRAFT_CLOUD_DATABASE_URL": pg_url}
    receivers = [CloudProcess(env).launch(), CloudProcess(env).launch()]
    proxy = Alternating([r.base for r in receivers], {2: "commit_then_500", 3: "timeout", 4: "429", 6: "hold"})
    box = Server(
        box_dir,
        env={
            "FLOORCRAFT_CLOUD_URL": f"http://127.0.0.1:{await proxy.start()}",
            "FLOORCRAFT_CLOUD_BATCH": "15",
            "FLOORCRAFT_CLOUD_TIMEOUT": "1",
        },
    )
    try:
        for r in receivers:
            await asyncio.to_thread(r.start)
        await asyncio.to_thread(pair_with_commands, env, box_dir, receivers[1].base)
        await asyncio.to_thread(box.start)
        await asyncio.wait_for(proxy.held.wait(), 60)
        box.kill()  # killed mid-batch: the cloud has the batch, the box never heard so
        await asyncio.to_thread(box.start)
        await synced(box_dir, pg_url)
        assert {"commit_then_500", "timeout", "429", "hold"} <= set(proxy.seen)
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk = await SignedClient.enrol(http, box.first_enrolment_url())
        box.terminate()
        conn = sqlite3.connect(box_dir / "floorcraft.sqlite3")  # a gap: the box believes the cloud has more
        conn.execute("UPDATE sync_state SET acked_seq = acked_seq + 3")
        conn.commit()
        conn.close()
        await asyncio.to_thread(box.start)
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk.http = http
            for move in ("start", "next", "next", "previous"):
                assert (await desk.post(f"/api/floors/1/{move}")).status_code == 200
            await synced(box_dir, pg_url)
            status = (await desk.get("/api/sync")).json()
        assert status["pending"] == 0 and status["pairing"]["box"]
    finally:
        box.kill()
        for r in receivers:
            r.stop()
        proxy.server.close()
    rows = cloud_rows(pg_url)
    assert rows == box_log(box_dir) and len({seq for seq, _ in rows}) == len(rows) == rows[-1][0]
