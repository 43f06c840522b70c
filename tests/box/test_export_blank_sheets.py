"""The judges' blank sheets (the paper fallback) on the USB stick beside the other printed documents (issue #11
point 4): for every event with a round drawn and not computed yet, `event-ID-judges-sheets.pdf` with a slip per
judge and dance of those rounds, listed and checksummed in the signed manifest; `floorcraft verify-export` verifies
the export, and names the sheets if they are altered. A computed round's blank sheets are no longer carried.

A small box (in-process, a real SQLite file): a 6-couple final (Cha Cha, Rumba) and a 10-couple event whose 1st
round (Waltz, Tango) recalls 6, panel A-C (Ann, Bob, Cid): tests/two_events.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.box import export
from tests.conftest import ROOT
from tests.two_events import bibs, key_in_final, two_events


@pytest.fixture
async def box(api) -> dict:
    return await two_events(api)


def _export(client, settings, stick: Path) -> tuple[Path, dict]:
    store = client.app.state["ctx"].store
    stick.mkdir()
    folder = export.export(store, Path(settings.data_dir), stick)
    return folder, json.loads((folder / export.MANIFEST).read_text())


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _verify(folder: Path, data_dir: str) -> subprocess.CompletedProcess:
    env = {"FLOORCRAFT_DATA_DIR": data_dir, "PATH": os.environ.get("PATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "appliance", "verify-export", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


async def test_the_stick_carries_the_blank_sheets_of_the_rounds_still_to_judge(api, client, settings, box, tmp_path):
    folder, manifest = _export(client, settings, tmp_path / "stick")
    sheets = {f"event-{box['final']}-judges-sheets.pdf", f"event-{box['rounds']}-judges-sheets.pdf"}
    assert {n for n in manifest["files"] if n.endswith(".pdf")} == sheets  # no round computed: no other document
    for name in sheets:
        assert manifest["files"][name]["sha256"] and (folder / name).read_bytes().startswith(b"%PDF-")
    first = box["plans"][box["rounds"]]["rounds"][0]
    pages = _pages(folder / f"event-{box['rounds']}-judges-sheets.pdf")
    text = " ".join(pages)
    for judge in ("Judge A: Ann Archer", "Judge B: Bob Baker", "Judge C: Cid Cooper"):
        assert text.count(judge) == 2, judge  # one slip per dance
    assert text.count(f"Mark exactly {first['recall']} couples of 10") == 6
    assert all(str(b) in text for b in bibs(first)) and "Waltz" in text and "Tango" in text
    assert all("Two Rounds" in p and f"page {i} of {len(pages)}" in p for i, p in enumerate(pages, 1))
    assert f"box key {manifest['box_public_key']}" in pages[0]
    final_text = " ".join(_pages(folder / f"event-{box['final']}-judges-sheets.pdf"))
    assert final_text.count("Place all 6 couples") == 6 and "Cha Cha" in final_text and "Rumba" in final_text
    run = _verify(folder, settings.data_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    name = f"event-{box['final']}-judges-sheets.pdf"
    (folder / name).write_bytes((folder / name).read_bytes() + b"%")
    assert export.verify_export(folder) == [f"{name} does not match its checksum (altered or damaged)"]


async def test_a_computed_rounds_blank_sheets_leave_the_stick(api, client, settings, box, tmp_path):
    await key_in_final(api, box["plans"][box["final"]]["rounds"][0])
    folder, manifest = _export(client, settings, tmp_path / "stick")
    pdfs = {n for n in manifest["files"] if n.endswith(".pdf")}
    assert pdfs == {f"event-{box['final']}-{doc}.pdf" for doc in export.PRINTED} | {
        f"event-{box['rounds']}-judges-sheets.pdf"
    }
    assert export.verify_export(folder) == []
