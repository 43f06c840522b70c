"""Issue #14 point 2 from the desk: the box's `GET /api/sync` shows its pairing, and the desk pairs the box with a
code (`POST /api/sync/pair`, as `floorcraft pair CODE`); a box without a cloud, or a wrong code, is a clear 4xx."""

from __future__ import annotations

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from appliance.app import create_app
from appliance.cloud import receiver
from appliance.db.cloud_backend import open_cloud
from tests.cloud.boxes import CloudProcess
from tests.conftest import enrolled


async def test_the_desk_pairs_the_box_and_shows_its_pairing(tmp_path, settings, scrutineer):
    refused = await scrutineer.post("/api/sync/pair", json={"code": "ABCDE-FGHJK"})
    assert refused.status_code == 409 and "FLOORCRAFT_CLOUD_URL" in refused.json()["error"]["message"]
    assert (await scrutineer.get("/api/sync")).json()["pairing"] is None

    cloud = CloudProcess({"FLOORCRAFT_DATA_DIR": str(tmp_path / "cloud")}).start()
    store = open_cloud(tmp_path / "cloud", "", receiver.now_text())
    try:
        code, _ = receiver.new_code(store, 5)
        with_cloud = msgspec.structs.replace(settings, cloud_url=cloud.base)
        async with AsyncTestClient(create_app(with_cloud)) as box:
            desk = await enrolled(box)
            wrong = await desk.post("/api/sync/pair", json={"code": "WRONG-CODE1"})
            assert wrong.status_code == 422 and "unknown" in wrong.json()["error"]["message"]
            assert (await desk.post("/api/sync/pair", json={"code": "<script>"})).status_code in (400, 422)
            paired = await desk.post("/api/sync/pair", json={"code": code})
            assert paired.status_code == 200, paired.text
            shown = (await desk.get("/api/sync")).json()["pairing"]
        assert shown == paired.json() and shown["cloud"] == cloud.base
        assert [b["box"] for b in httpx.get(f"{cloud.base}/cloud/boxes").json()] == [shown["box"]]
    finally:
        store.close()
        cloud.stop()
