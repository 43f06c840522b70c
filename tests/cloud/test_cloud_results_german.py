"""Issue #12 point 5 on the cloud: a paired box's published results are served in the reader's language exactly
as the box serves them (German reasons and withdrawals to a German reader, the stored English to a program), and
a cache between the cloud and the readers keeps the languages apart (Vary, a distinct ETag).

The box: tests/api/test_reasons_german.py's final (Rule 10 decides two places, one couple withdrawn)."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import AsyncTestClient

from appliance.cloud import create_cloud_app
from tests.api.test_reasons_german import GERMAN, judge_final
from tests.cloud.boxes import pair_data_dir
from tests.cloud.test_cloud_results import sync


async def test_the_cloud_says_the_reasons_in_the_reader_s_language_as_the_box_does(api, client, settings, tmp_path):
    facts = await judge_final(api)
    box_english = await client.get("/api/public/results")
    box_german = await client.get("/api/public/results", headers=GERMAN)
    assert box_english.json() != box_german.json()
    async with AsyncTestClient(create_cloud_app(tmp_path / "cloud")) as cloud:
        box = pair_data_dir(cloud.app.state["cloud_store"], Path(settings.data_dir))
        await sync(client, settings, cloud)
        path = f"/cloud/boxes/{box}/public/results"
        english = await cloud.get(path)
        german = await cloud.get(path, headers=GERMAN)
        by_cookie = await cloud.get(path, headers={"Cookie": "floorcraft.lang=de"})
    assert english.json() == box_english.json() and german.json() == box_german.json() == by_cookie.json()
    [event] = german.json()["events"]
    [final] = event["rounds"]
    assert final["reasons"][str(facts["bibs"][3])].startswith("4., nicht 5.: Regel 10")
    mine = next(p for p in event["standings"] if p["bib"] == facts["withdrawn"])
    assert mine["why"] == "in der Endrunde zurückgezogen: injury"
    for answer in (english, german):
        assert {"accept-language", "cookie"} <= {v.strip().lower() for v in answer.headers["vary"].split(",")}
    assert english.headers["etag"] != german.headers["etag"]
