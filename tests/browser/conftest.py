"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, against a real server on loopback."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import pytest_asyncio
from playwright.async_api import async_playwright

from tests.browser import shots
from tests.server import Server

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


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_browser():
    """One Chromium for a whole module (its tests run on the module's event loop)."""
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield chromium
        await chromium.close()


def box_of(set_up):
    """`box = box_of(_set_up)`: a module-scoped fixture holding `small_box(…, set_up)`'s (server, facts)."""

    @pytest.fixture(scope="module", name="box")
    def box(tmp_path_factory):
        with small_box(tmp_path_factory, set_up) as made:
            yield made

    return box


@contextlib.contextmanager
def small_box(tmp_path_factory, set_up):
    """A box with no demo, set up by `set_up(server)` (a coroutine answering the test's facts): (server, facts)."""
    server = Server(tmp_path_factory.mktemp("box"), demo=False).start()
    try:
        yield server, asyncio.run(set_up(server))
    finally:
        server.terminate()
