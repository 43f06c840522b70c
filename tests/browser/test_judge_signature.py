"""The judge signs at the end of a round (issue #11 point 1), in real Chromium: once every dance of the round is
sent, the tablet asks for the signature; the judge signs on the canvas and the box stores a 1-bit PNG of at
most 400x200 pixels, built in the browser (no library, nothing from a CDN)."""

from __future__ import annotations

import sqlite3
import zlib

import httpx
import pytest

from appliance.services.signature_png import check_png
from tests.browser.shots import shot
from tests.browser.test_judge import _cross, _desk, _judge_page
from tests.server import Server


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path).start()
    yield running
    running.kill()


def _signatures(server: Server) -> list[tuple[str, bytes]]:
    conn = sqlite3.connect(server.data_dir / "floorcraft.sqlite3")
    try:
        rows = conn.execute(
            "SELECT a.letter, s.png FROM signatures s JOIN adjudicators a ON a.id = s.adjudicator_id"
        ).fetchall()
        return [(letter, bytes(png)) for letter, png in rows]
    finally:
        conn.close()


def _ink(png: bytes) -> int:
    """How many pixels of the 1-bit image are ink (0 bits)."""
    width, height = check_png(png)
    at, data = 8, b""
    while at < len(png):
        length = int.from_bytes(png[at : at + 4], "big")
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    raw, row = zlib.decompress(data), (width + 7) // 8 + 1
    return sum(1 for y in range(height) for x in range(width) if not raw[y * row + 1 + x // 8] & (0x80 >> (x % 8)))


async def test_a_judge_signs_the_round_on_the_tablet_once_every_dance_is_sent(server, browser):
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await _desk(server, http)
        context, page = await _judge_page(browser, desk, "A")
        first = (await desk.get("/api/events/1/plan")).json()["rounds"][0]
        bibs = sorted(b for heat in first["heats"]["W"] for b in heat)
        for dance in ("T", "V", "F", "Q"):  # the other dances' sheets, keyed in from paper by the desk
            path = f"/api/rounds/{first['id']}/sheets/{dance}/judges/A"
            assert (await desk.post(path, {"crosses": bibs[: first["recall"]]})).status_code == 200
        assert (await desk.post("/api/floors/1/start")).status_code == 200
        await page.locator("#title").filter(has_text="Adult Standard Open").wait_for()
        assert await page.locator("#sign").is_hidden()  # not before the round's last dance is sent
        await _cross(page, 12)
        await page.locator("#send").click()
        await page.locator("#sure").click()
        await page.locator("#sign").wait_for(state="visible", timeout=15000)
        assert "every dance is sent" in await page.locator("#sign-text").inner_text()
        assert await page.locator("#sign-send").is_disabled()  # nothing drawn yet
        box = await page.locator("#pad").bounding_box()
        await page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
        await page.mouse.down()
        for i in range(1, 21):
            await page.mouse.move(
                box["x"] + 20 + i * (box["width"] - 40) / 20, box["y"] + box["height"] * (0.7 - (i % 4) * 0.12)
            )
        await page.mouse.up()
        await page.screenshot(path=shot("judge-sign.png"))
        await page.locator("#sign-send").click()
        await page.locator("#receipt").filter(has_text="signature").wait_for(timeout=15000)
        await page.locator("#sign").wait_for(state="hidden", timeout=15000)
        await context.close()
    stored = _signatures(server)
    assert [letter for letter, _ in stored] == ["A"]
    png = stored[0][1]
    assert check_png(png) == (400, 200) and png[24:26] == b"\x01\x00"  # bit depth 1, greyscale
    assert 50 < _ink(png) < 400 * 200 // 4  # the stroke, not a blank or a black box
