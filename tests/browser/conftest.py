"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against a real server on loopback."""

from __future__ import annotations

import pytest
from playwright.async_api import async_playwright

from tests.browser import shots

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def screenshots(tmp_path_factory):
    """Screenshots go to a pytest temporary folder (SCREENSHOTS_DIR=docs/screenshots: `./dev screenshots`)."""
    return shots.use(tmp_path_factory.mktemp("screenshots"))


@pytest.fixture
async def browser():
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        await chromium.close()
