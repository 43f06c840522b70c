"""A judge signs each round on the tablet (issue #11 point 1): a 1-bit PNG of at most 400x200, own seat only,
stored, logged and rebuilt by `verify`; anything else is refused in plain words with nothing written."""

from __future__ import annotations

import base64
import struct
import zlib

from appliance.db import replay, replay_compare
from appliance.db import signatures as sig_db
from tests.conftest import enrolled
from tests.federation.example import CROSSES, DANCES, set_up


def png(width: int = 300, height: int = 100, depth: int = 1, colour: int = 0, crc_ok: bool = True) -> bytes:
    """A real PNG: a diagonal stroke on white, `depth` bits per pixel."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) ^ (0 if crc_ok or kind != b"IHDR" else 1)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row_bytes = (width * depth + 7) // 8
    rows = b"".join(
        b"\x00" + bytes(0xFF if x != (y * row_bytes) // height else 0 for x in range(row_bytes)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def body(data: bytes) -> dict:
    return {"png": base64.b64encode(data).decode()}


async def _judge(client, competition: int, letter: str):
    return await enrolled(client, "adjudicator", competition_id=competition, judge=letter)


async def _send_round(judge, round_id: int, letter: str, dances=DANCES) -> None:
    for dance in dances:
        response = await judge.post(f"/api/rounds/{round_id}/sheets/{dance}", {"crosses": CROSSES[dance][letter]})
        assert response.status_code == 200, response.text


async def _refused(api, device, round_id: int, payload, status: int, words: str) -> None:
    before = await api.head()
    response = await device.post(f"/api/rounds/{round_id}/signature", payload)
    assert response.status_code == status, response.text
    assert words in response.json()["error"]["message"], response.text
    assert await api.head() == before, "a refused signature wrote to the change log"


async def test_a_judge_signs_the_round_once_every_dance_is_sent_and_it_is_stored_logged_and_rebuilt(api, client):
    ids = await set_up(api)
    judge = await _judge(client, ids["competition"], "A")
    await _send_round(judge, ids["first"], "A", DANCES[:2])
    await _refused(api, judge, ids["first"], body(png()), 409, "send your marks for every dance")
    assert (await judge.get("/api/judge/tasks")).json()["sign"] == []
    await _send_round(judge, ids["first"], "A", DANCES[2:])
    asked = (await judge.get("/api/judge/tasks")).json()["sign"]
    assert [(r["round_id"], r["round"]) for r in asked] == [(ids["first"], asked[0]["round"])] and asked[0]["event"]
    image = png(400, 200)
    response = await judge.post(f"/api/rounds/{ids['first']}/signature", body(image))
    assert response.status_code == 200, response.text
    receipt = response.json()
    assert (receipt["judge"], receipt["width"], receipt["height"], receipt["size"]) == ("A", 400, 200, len(image))
    store = client.app.state["ctx"].store
    assert await store.read(lambda conn: sig_db.signatures_of(conn, ids["first"])) == {"A": image}
    assert (await judge.get("/api/judge/tasks")).json()["sign"] == []  # signed: the tablet asks no more
    again = png(120, 60)
    assert (await judge.post(f"/api/rounds/{ids['first']}/signature", body(again))).status_code == 200

    def rebuilt(conn):
        copy, _ = replay.rebuild(replay.log_rows(conn))
        return replay_compare.compare(conn, copy), sig_db.signatures_of(copy, ids["first"])

    differences, from_log = await store.read(rebuilt)
    assert differences == [] and from_log == {"A": again}


async def test_a_signature_that_is_not_a_small_one_bit_png_is_refused(api, client):
    ids = await set_up(api)
    judge = await _judge(client, ids["competition"], "B")
    await _send_round(judge, ids["first"], "B")
    url_round = ids["first"]
    await _refused(api, judge, url_round, body(png(401, 100)), 422, "at most 400x200")
    await _refused(api, judge, url_round, body(png(300, 201)), 422, "at most 400x200")
    await _refused(api, judge, url_round, body(png(depth=8)), 422, "1-bit")
    await _refused(api, judge, url_round, body(png(depth=2, colour=0)), 422, "1-bit")
    await _refused(api, judge, url_round, body(png(crc_ok=False)), 422, "damaged")
    await _refused(api, judge, url_round, body(b"GIF89a" + bytes(40)), 422, "not a PNG")
    await _refused(api, judge, url_round, body(png()[:-20]), 422, "PNG")
    await _refused(api, judge, url_round, {"png": "not base64!"}, 422, "base64")
    await _refused(api, judge, url_round, {"png": "A" * 30_000}, 400, "png")
    await _refused(api, judge, url_round, {"png": base64.b64encode(png()).decode(), "x": 1}, 400, "x")


async def test_only_the_judges_own_seat_on_the_rounds_panel_may_sign(api, client):
    ids = await set_up(api)
    await api.ok("POST", f"/api/competitions/{ids['competition']}/adjudicators", 201, json={"name": "Dora Dorn"})
    outsider = await _judge(client, ids["competition"], "D")  # in the competition, not on this panel
    await _refused(api, outsider, ids["first"], body(png()), 403, "not on the panel")
    other = await api.competition(name="Other Cup")
    await api.ok("POST", f"/api/competitions/{other['id']}/adjudicators", 201, json={"name": "Olga Other"})
    stranger = await _judge(client, other["id"], "A")  # judge A of another competition
    await _refused(api, stranger, ids["first"], body(png()), 403, "competition")
    scrutineer = api.client.device
    await _refused(api, scrutineer, ids["first"], body(png()), 403, "")
