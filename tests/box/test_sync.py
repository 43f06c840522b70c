"""T15: cloud sync against a second local process through a proxy that injects faults (commit then 500, a
timeout, 429 with Retry-After, a gap, the box killed mid-batch): the cloud ends with exactly the box's log."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time

import httpx

from appliance.trust.client import SignedClient
from tests.cloud.boxes import pair_data_dir, pair_with_commands
from tests.conftest import ROOT
from tests.server import Server, free_port


class FaultProxy:
    """Forwards the box's batches to the cloud, misbehaving on purpose on the requests named in `plan`."""

    def __init__(self, upstream: str, plan: dict[int, str]):
        self.upstream, self.plan = upstream, plan
        self.count = 0
        self.seen: list[str] = []
        self.held = asyncio.Event()
        self.server: asyncio.base_events.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.count += 1
                fault = self.plan.get(self.count, "ok")
                self.seen.append(fault)
                if fault == "timeout":
                    await asyncio.sleep(3)  # longer than the box waits: it gives up and retries
                    return
                if fault == "429":
                    await self.reply(writer, 429, b'{"error":{"message":"slow down"}}', {"Retry-After": "1"})
                    continue
                async with httpx.AsyncClient(timeout=10) as http:
                    answer = await http.post(
                        self.upstream + "/cloud/batches",
                        content=body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Box-Signature": headers["x-box-signature"],
                            "Idempotency-Key": headers.get("idempotency-key", ""),
                        },
                    )
                if fault == "commit_then_500":
                    await self.reply(writer, 500, b'{"error":{"message":"lost after commit"}}')
                elif fault == "hold":
                    self.held.set()  # committed at the cloud; the box is killed before it hears back
                    await asyncio.sleep(30)
                    return
                else:
                    await self.reply(writer, answer.status_code, answer.content)
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()

    @staticmethod
    async def reply(writer, status: int, body: bytes, extra: dict | None = None) -> None:
        head = "".join(f"{k}: {v}\r\n" for k, v in (extra or {}).items())
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{head}\r\n".encode()
            + body
        )
        await writer.drain()


def box_log(data) -> list[tuple]:
    conn = sqlite3.connect(data / "floorcraft.sqlite3")
    try:
        return conn.execute("SELECT seq, hash FROM change_log ORDER BY seq").fetchall()
    finally:
        conn.close()


def cloud_log(data) -> list[tuple]:
    conn = sqlite3.connect(data / "cloud.sqlite3")
    try:
        return conn.execute("SELECT seq, hash FROM cloud_log ORDER BY seq").fetchall()
    finally:
        conn.close()


async def wait_until_synced(box_dir, cloud_dir, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (cloud_dir / "cloud.sqlite3").exists() and cloud_log(cloud_dir) == box_log(box_dir):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not synced: box head {box_log(box_dir)[-1:]}, cloud head {cloud_log(cloud_dir)[-1:]}")


async def test_t15_the_cloud_ends_with_exactly_the_boxs_log_despite_faults(tmp_path):
    box_dir, cloud_dir = tmp_path / "box", tmp_path / "cloud"
    box_dir.mkdir()
    cloud_dir.mkdir()
    cloud_port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "FLOORCRAFT_DATA_DIR": str(cloud_dir),
        "FLOORCRAFT_PORT": str(cloud_port),
        "FLOORCRAFT_MDNS": "false",
    }
    cloud = subprocess.Popen(
        [sys.executable, "-m", "appliance", "cloud"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    proxy = FaultProxy(f"http://127.0.0.1:{cloud_port}", {2: "commit_then_500", 3: "timeout", 4: "429", 6: "hold"})
    proxy_port = await proxy.start()
    box = Server(
        box_dir,
        env={
            "FLOORCRAFT_CLOUD_URL": f"http://127.0.0.1:{proxy_port}",
            "FLOORCRAFT_CLOUD_BATCH": "15",
            "FLOORCRAFT_CLOUD_TIMEOUT": "1",
        },
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{cloud_port}/cloud/boxes", timeout=1)
                break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        pair_with_commands({"FLOORCRAFT_DATA_DIR": str(cloud_dir)}, box_dir, f"http://127.0.0.1:{cloud_port}")
        await asyncio.to_thread(box.start)
        await asyncio.wait_for(proxy.held.wait(), 60)
        box.kill()  # killed mid-batch: the cloud has the batch, the box never heard so
        await asyncio.to_thread(box.start)
        await wait_until_synced(box_dir, cloud_dir)
        assert {"commit_then_500", "timeout", "429", "hold"} <= set(proxy.seen)

        # A gap: the box believes the cloud has more than it has (its sync state ahead of the cloud).
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk = await SignedClient.enrol(http, box.first_enrolment_url())
        box.terminate()
        head = box_log(box_dir)[-1][0]
        conn = sqlite3.connect(box_dir / "floorcraft.sqlite3")
        conn.execute("UPDATE sync_state SET acked_seq = ?", (head + 3,))
        conn.commit()
        conn.close()
        await asyncio.to_thread(box.start)
        async with httpx.AsyncClient(base_url=box.base, timeout=10) as http:
            desk.http = http
            for move in ("start", "next", "next", "next", "next", "previous"):
                assert (await desk.post(f"/api/floors/1/{move}")).status_code == 200
            await wait_until_synced(box_dir, cloud_dir)
            status = (await desk.get("/api/sync")).json()
        assert status["pending"] == 0 and status["acked_seq"] == box_log(box_dir)[-1][0]
        boxes = httpx.get(f"http://127.0.0.1:{cloud_port}/cloud/boxes", timeout=5).json()
        assert [(b["head"], b["head_hash"]) for b in boxes] == [box_log(box_dir)[-1]]
    finally:
        box.kill()
        cloud.terminate()
        cloud.wait(10)
        proxy.server.close()
    box_rows, cloud_rows = box_log(box_dir), cloud_log(cloud_dir)
    assert cloud_rows == box_rows  # the same rows, the same chain head, nothing twice
    assert len({seq for seq, _ in cloud_rows}) == len(cloud_rows) == box_rows[-1][0]


async def test_the_cloud_refuses_unsigned_or_altered_batches(tmp_path):
    from litestar.testing import AsyncTestClient

    from appliance.cloud import create_cloud_app

    async with AsyncTestClient(create_cloud_app(tmp_path)) as client:
        response = await client.post(
            "/cloud/batches", content=b'{"box":"x","rows":[]}', headers={"X-Box-Signature": "nope"}
        )
        assert response.status_code == 401
        assert (await client.get("/cloud/boxes")).json() == []
        assert (await client.get("/cloud/boxes/nobody/results")).status_code == 404


async def test_the_cloud_serves_a_judged_competitions_published_results(tmp_path):
    from litestar.testing import AsyncTestClient

    from appliance.box.sync import Syncer
    from appliance.cloud import create_cloud_app
    from appliance.db.store import Store
    from appliance.settings import Settings

    box_dir = tmp_path / "box"
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "demo", "--simulate"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={"FLOORCRAFT_DATA_DIR": str(box_dir), "PATH": os.environ["PATH"]},
    )
    assert run.returncode == 0, run.stderr
    async with AsyncTestClient(create_cloud_app(tmp_path / "cloud")) as cloud:
        pair_data_dir(cloud.app.state["cloud_store"], box_dir)
        store = Store(box_dir / "floorcraft.sqlite3")
        syncer = Syncer(store, Settings(data_dir=str(box_dir), cloud_url=str(cloud.base_url), cloud_batch=200))
        try:
            for _ in range(20):
                if await syncer.step(cloud) > 0:
                    break
        finally:
            store.close()
        published = (await cloud.get(f"/cloud/boxes/{syncer.box}/results")).json()
    assert cloud_log(tmp_path / "cloud") == box_log(box_dir)
    official = [r for r in published if r["event"] == "result.official"]
    finals = [r for r in published if r["event"] == "round.computed" and r["kind"] == "final"]
    assert len(official) == 4 and len(finals) == 4 and all(r["reasons"] for r in finals)


async def test_box_and_cloud_serve_the_same_published_results_and_pages(tmp_path):
    from litestar.testing import AsyncTestClient

    from appliance.app import create_app
    from appliance.box.sync import Syncer
    from appliance.cloud import create_cloud_app
    from appliance.settings import Settings

    box_dir = tmp_path / "box"
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "demo", "--simulate"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        env={"FLOORCRAFT_DATA_DIR": str(box_dir), "PATH": os.environ["PATH"]},
    )
    assert run.returncode == 0, run.stderr
    settings = Settings(data_dir=str(box_dir), mdns=False, allowed_hosts=("testserver.local",))
    async with AsyncTestClient(create_app(settings)) as box, AsyncTestClient(create_cloud_app(tmp_path / "c")) as cloud:
        here = (await box.get("/api/public/results")).json()
        pair_data_dir(cloud.app.state["cloud_store"], box_dir)
        syncer = Syncer(box.app.state["ctx"].store, Settings(data_dir=str(box_dir), cloud_url=str(cloud.base_url)))
        while await syncer.step(cloud) == 0:
            pass
        there = (await cloud.get(f"/cloud/boxes/{syncer.box}/public/results")).json()
        box_page = await box.get("/results/")
        cloud_page = await cloud.get("/cloud/web/results/")
        assert (await cloud.get("/cloud/web/results/results.js")).status_code == 200
    assert here == there
    finals = [r for e in here["events"] for r in e["rounds"] if r["kind"] == "final"]
    assert len(finals) == 4 and all(r["official"] and r["marks"]["type"] == "final" and r["reasons"] for r in finals)
    assert box_page.status_code == 200 and box_page.text == cloud_page.text and "results.js" in box_page.text
