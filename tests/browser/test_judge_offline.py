"""Issue #12 point 1, the last sentence, in real Chromium: with TLS configured, the judge page's service worker keeps
its shell, so a reload while the box is unreachable still shows the page with its queued sheets and "Box
unreachable"; when the box answers again the queue drains, the sheet stored exactly once."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import async_playwright

from tests.browser.conftest import CHROMIUM, FLAGS
from tests.browser.shots import shot
from tests.browser.test_judge import TABLET, _cross, _desk, sheets
from tests.server import Server
from tests.tls import tls_env


@pytest.fixture
async def browser():
    """Chromium that accepts the test's self-signed certificate for the service worker's script too (a context's
    ignore_https_errors does not reach service worker registration; the venue's tablets trust the organiser's)."""
    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=CHROMIUM, args=[*FLAGS, "--ignore-certificate-errors"], headless=True
        )
        yield chromium
        await chromium.close()


async def _accept_leaving(dialog) -> None:
    await dialog.accept()  # "sheets are queued": the judge reloads anyway


async def test_the_judge_page_survives_a_reload_while_the_box_is_unreachable(tmp_path, browser):
    server = Server(tmp_path, env=tls_env(tmp_path)).start()
    errors: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=server.base, verify=server.verify, timeout=10) as http:
            desk = await _desk(server, http)
            made = await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "A"})
            assert made.json()["url"].startswith("https://")
            context = await browser.new_context(viewport=TABLET, ignore_https_errors=True)
            page = await context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", _accept_leaving)
            await page.goto(made.json()["url"])
            await page.wait_for_url("**/judge/")
            await page.locator("html[data-offline]").wait_for(state="attached", timeout=15000)
            assert await page.locator("html").get_attribute("data-offline") == "ready"  # the shell is kept
            assert (await desk.post("/api/floors/1/start")).status_code == 200
        await page.locator("#title").filter(has_text="Waltz").wait_for(timeout=15000)
        await page.locator("#link").filter(has_text="Online").wait_for()
        server.terminate()  # the box is unreachable from here
        await _cross(page, 12)
        await page.locator("#send").click()
        await page.locator("#sure").click()
        await page.locator("#pending").filter(has_text="1 queued, not yet received").wait_for()
        await page.reload()  # served by the service worker: the box does not answer
        await page.locator("#who").filter(has_text="Judge A").wait_for(timeout=15000)
        await page.locator("#pending").filter(has_text="1 queued, not yet received").wait_for()
        await page.locator("#link").filter(has_text="Box unreachable").wait_for(timeout=15000)
        assert await page.evaluate("navigator.serviceWorker.controller !== null")
        sheets_loaded = "[...document.styleSheets].filter((s) => s.href && s.cssRules.length).length"
        assert await page.evaluate(sheets_loaded) == 2  # style.css and judge.css, kept too
        await page.screenshot(path=shot("judge-offline-reload.png"))
        server.start()  # the box answers again: the queued sheet goes, once
        await page.locator("#pending").filter(has_text="All sheets received").wait_for(timeout=20000)
        await page.locator("#link").filter(has_text="Online").wait_for()
        await context.close()
    finally:
        server.kill()
    assert sheets(server) == [("W", "A", 1)]
    assert errors == []


async def test_on_plain_http_no_service_worker_is_registered_and_the_page_works(tmp_path, browser):
    server = Server(tmp_path).start()
    try:
        async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
            desk = await _desk(server, http)
            made = await desk.post("/api/enrolments", {"role": "adjudicator", "competition_id": 1, "judge": "B"})
        context = await browser.new_context(viewport=TABLET)
        page = await context.new_page()
        await page.goto(made.json()["url"])
        await page.wait_for_url("**/judge/")
        await page.locator("#link").filter(has_text="Online").wait_for(timeout=15000)
        assert await page.evaluate("window.isSecureContext")  # loopback is one: the page asks for https itself
        assert await page.evaluate("navigator.serviceWorker.getRegistrations().then((r) => r.length)") == 0
        assert await page.locator("html").get_attribute("data-offline") is None
        await context.close()
    finally:
        server.kill()
