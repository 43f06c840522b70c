"""Issue #14 points 3 and 4 with a real box's log (the worked example of formats.md, judged through the API):
the cloud lists every competition of every paired box and serves each one's published results exactly as the box
does, with ETag and Cache-Control (304 when unchanged), and nothing unpublished; and when the log of a box that
was offline arrives with the final signed off, the cloud sends the event's federation results once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import msgspec
from litestar.testing import AsyncTestClient

from appliance.box.sync import Syncer
from appliance.cloud import create_cloud_app, receiver
from appliance.cloud.federation import CloudUploader
from appliance.settings import Settings
from tests.cloud.boxes import pair_data_dir
from tests.conftest import enrolled
from tests.federation.example import judge_round, set_up
from tests.federation.test_upload import LOGIN, TURNIER, StandIn


async def sync(box_client, box_settings, cloud) -> None:
    """Push the box's whole log to the cloud (bounded), as its syncer would."""
    syncer = Syncer(box_client.app.state["ctx"].store, msgspec.structs.replace(box_settings, cloud_url="http://c"))
    for _ in range(50):
        if await syncer.step(cloud) > 0:
            return
    raise AssertionError("the box never finished sending")


async def test_the_world_sees_every_paired_box_s_published_results_and_nothing_else(api, client, settings, tmp_path):
    ids = await set_up(api)
    await judge_round(api, ids["first"], final=False)
    await judge_round(api, ids["final"], final=True, dances=["S"])  # the final half judged: not published
    box_results = (await client.get("/api/public/results")).json()
    async with AsyncTestClient(create_cloud_app(tmp_path / "cloud")) as cloud:
        store = cloud.app.state["cloud_store"]
        box = pair_data_dir(store, Path(settings.data_dir))
        await sync(client, settings, cloud)
        listed = await cloud.get("/cloud/api/competitions")
        assert listed.status_code == 200 and "public" in listed.headers["cache-control"]
        [competition] = listed.json()
        assert (competition["name"], competition["box"], competition["events_with_results"]) == (
            "Formats Example Cup",
            box,
            1,
        )
        results = await cloud.get(competition["results"])
        assert results.json() == box_results  # the same shape and content as the box's own page reads
        assert [r["round_id"] for e in results.json()["events"] for r in e["rounds"]] == [ids["first"]]
        etag = results.headers["etag"]
        again = await cloud.get(competition["results"], headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        page = await cloud.get(competition["page"])
        assert page.status_code == 200 and "results.js" in page.text
        front = await cloud.get("/cloud", follow_redirects=True)
        assert front.status_code == 200 and "cloud.js" in front.text
        assert (await cloud.get("/cloud/web/cloud/cloud.js")).status_code == 200
        everything = b"".join(
            [
                listed.content,
                results.content,
                (await cloud.get("/cloud/boxes")).content,
                (await cloud.get(f"/cloud/boxes/{box}/results")).content,
            ]
        )
        with store.transaction() as tx:  # the cloud holds the final's sheets (the whole log) but never serves them
            assert tx.one("SELECT count(*) FROM cloud_log WHERE kind = 'sheet.submitted'")[0] == 9 + 3
        assert f'"round_id":{ids["final"]}'.encode() not in everything and b"sheet" not in everything
        assert (await cloud.get(f"{competition['results'].split('?')[0]}?competition=99")).status_code == 404

        receiver.revoke(store, box)  # a revoked box is not served any more
        assert (await cloud.get("/cloud/api/competitions")).json() == []
        assert (await cloud.get(competition["results"])).status_code == 404


async def test_an_offline_box_s_final_goes_to_the_federation_from_the_cloud_once(api, client, settings, tmp_path):
    stand_in = StandIn({1: "503"})
    url = await stand_in.start()
    login = tmp_path / "federation-login"
    login.write_text(f"{LOGIN}\ncert-123\n")
    cloud_settings = Settings(
        data_dir=str(tmp_path / "cloud"),
        federation_url=url,
        federation_token_file=str(login),
        federation_events=(f"1={TURNIER}",),
        federation_timeout=2.0,
    )
    try:
        ids = await set_up(api)
        await judge_round(api, ids["first"], final=False)
        await judge_round(api, ids["final"], final=True)
        chair = await enrolled(client, "chair", competition_id=ids["competition"])
        assert (await chair.post(f"/api/rounds/{ids['final']}/sign-off")).status_code == 200
        app = create_cloud_app(tmp_path / "cloud", settings=cloud_settings)
        app.on_startup.clear()  # the test drives the uploader's steps itself (two of them: two processes)
        async with AsyncTestClient(app) as cloud:
            store = cloud.app.state["cloud_store"]
            pair_data_dir(store, Path(settings.data_dir))
            await sync(client, settings, cloud)
            await sync(client, settings, cloud)  # the log arrives again: still due once
            first, second = CloudUploader(store, cloud_settings), CloudUploader(store, cloud_settings)
            with httpx.Client(timeout=5) as http:  # the stand-in answers on this loop: the steps run on a thread
                assert await asyncio.to_thread(first.step, http)  # 503: tried again later
                assert not await asyncio.to_thread(second.step, http)  # not due yet: nobody sends it meanwhile
                with store.transaction() as tx:
                    tx.run("UPDATE cloud_uploads SET next_at = '2000-01-01T00:00:00+00:00'")
                assert await asyncio.to_thread(second.step, http)
                assert not await asyncio.to_thread(first.step, http)
                assert not await asyncio.to_thread(second.step, http)
    finally:
        stand_in.server.close()
    assert stand_in.faults == ["503", "ok"] and stand_in.refused == []
    [(document, checksum)] = stand_in.accepted
    assert document["endergebnis"] is True and checksum
