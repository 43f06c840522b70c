"""The printed documents from the desk in real Chromium: the Results tab's PDF buttons download the document
(a signed request, saved as a file); page 1 of every document is kept as a picture, print-DOC.png (`./dev
screenshots` refreshes the README's pictures with them)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from appliance.printing import DOCS
from tests.browser.shots import shot
from tests.printing.test_documents import floorcraft
from tests.server import Server

DESK = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def judged(judged_demo):
    return judged_demo


async def test_the_desk_downloads_each_document_as_a_pdf(judged, browser, tmp_path):
    owner = floorcraft(judged, "enrol", "--role", "scrutineer")
    assert owner.returncode == 0, owner.stderr
    url = re.findall(r"http://\S+/join#\S+", owner.stdout)[-1]
    server = Server(judged, demo=False).start()
    try:
        page = await (await browser.new_context(viewport=DESK, accept_downloads=True)).new_page()
        await page.goto(server.base + url[url.index("/join") :])
        await page.wait_for_url("**/desk/")
        await page.get_by_role("button", name="Results", exact=True).click()
        row = page.locator("p.print-documents").first
        await row.wait_for()
        for doc, label in (("results", "Results"), ("marks", "Marks")):
            async with page.expect_download(timeout=120_000) as download:
                await row.get_by_role("button", name=label, exact=True).click()
            saved = tmp_path / f"{doc}.pdf"
            await (await download.value).save_as(saved)
            text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout
            assert saved.read_bytes().startswith(b"%PDF-") and f"{label}: Adult Standard Open" in text
            assert "page 1 of" in text
        assert await page.locator("#error").is_hidden()
    finally:
        server.terminate()


def test_page_one_of_every_document_as_a_picture(judged, tmp_path):
    for doc in DOCS:
        out = tmp_path / f"{doc}.pdf"
        run = floorcraft(judged, "print", doc, "--event", "1", str(out))
        assert run.returncode == 0, run.stderr
        picture = shot(f"print-{doc}.png")
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(out),
                picture.removesuffix(".png"),
            ],
            check=True,
        )
        assert Path(picture).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
