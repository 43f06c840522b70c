"""The printed documents (issue #11 point 4): each rendered to PDF by `floorcraft print` for a demo judged to its
official results, its text read back with pdftotext and checked: names, clubs, judges, totals, places, page
headers ("page 1 of N"), the box's checksum in the footer; and the command's refusals."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess

import pytest

from appliance.box.export import box_key, public_key_text
from appliance.db import changelog
from appliance.db import marks as marks_db
from appliance.db import rounds as rounds_db
from appliance.db.store import Store
from appliance.printing import DOCS
from appliance.services import Context, registration, results
from appliance.settings import Settings
from tests.conftest import floorcraft as cli

EVENT = 1  # Adult Standard Open: 26 couples, 1st round, semi-final and final, seven judges


def floorcraft(data_dir, *args) -> subprocess.CompletedProcess:
    return cli(data_dir, *args, text=True, timeout=300)


def pages_of(pdf) -> list[str]:
    """The PDF's text, page by page (pdftotext keeps the layout; pages are split by form feeds)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def judged(judged_demo):
    return judged_demo  # exported once already: it has its box key, as a box has one


@pytest.fixture(scope="module")
def printed(judged, tmp_path_factory):
    """Every document of the event, as `floorcraft print` writes it: doc -> its pages' text."""
    out = tmp_path_factory.mktemp("printed")
    found = {}
    for doc in DOCS:
        run = floorcraft(judged, "print", doc, "--event", str(EVENT), str(out / f"{doc}.pdf"))
        assert run.returncode == 0, run.stderr
        assert (out / f"{doc}.pdf").read_bytes().startswith(b"%PDF-")
        found[doc] = pages_of(out / f"{doc}.pdf")
    return found


@pytest.fixture(scope="module")
def facts(judged):
    """What the documents must show, read through the services and db/ (not from the PDFs)."""
    store = Store(judged / "floorcraft.sqlite3")
    ctx = Context(store, Settings(data_dir=str(judged), mdns=False))

    async def read():
        entries = [e for e in await registration.list_entries(ctx, 1) if e.event_id == EVENT]
        return entries, await results.get_event_results(ctx, EVENT)

    def tables(conn):
        rounds = [(r["id"], r["name"], r["kind"]) for r in rounds_db.rounds_of(conn, EVENT)]
        judges = [(j["letter"], j["name"]) for j in marks_db.round_panel(conn, rounds[0][0])]
        computed = {r[0]: results.round_result(conn, r[0]) for r in rounds}
        heats = {r[0]: (r["recall"], rounds_db.heats_by_bib(conn, r[0])) for r in rounds_db.rounds_of(conn, EVENT)}
        return changelog.head(conn), rounds, judges, computed, heats

    try:
        entries, standings = asyncio.run(read())
        head, rounds, judges, computed, heats = store.read_sync(tables)
    finally:
        store.close()
    key = public_key_text(box_key(judged))  # what an export's signed manifest names (made by the first export)
    return {
        "entries": sorted(entries, key=lambda e: e.couple.bib),
        "standings": standings,
        "head": head,
        "rounds": rounds,
        "judges": judges,
        "results": computed,
        "heats": heats,
        "key": key,
    }


def squeeze(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("doc", list(DOCS))
def test_every_page_has_the_header_page_x_of_y_and_the_box_checksum(printed, facts, doc):
    pages = printed[doc]
    seq, digest = facts["head"]
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page, (doc, number)
        assert "Floorcraft Demo Open" in page and "Adult Standard Open" in page and DOCS[doc] in page
        assert "December 2026" in page or "2026" in page  # the competition's dates
        assert f"log #{seq} {digest[:16]}" in page and f"box key {facts['key']}" in page, (doc, number)


def test_couples_by_number_and_by_name_with_club_and_country(printed, facts):
    text = squeeze("\n".join(printed["couples"]))
    by_number, by_name = text.split("By number", 1)[1].split("By name", 1)
    assert len(facts["entries"]) == 26
    for e in facts["entries"]:
        c = e.couple
        for part in (by_number, by_name):
            assert f"{c.bib} {c.leader} & {c.follower} {c.club} {c.country}" in part, c
    positions = [by_number.index(f" {e.couple.bib} {e.couple.leader}") for e in facts["entries"]]
    assert positions == sorted(positions)  # by number
    leaders = sorted(facts["entries"], key=lambda e: f"{e.couple.leader} & {e.couple.follower}".casefold())
    assert [by_name.index(e.couple.leader) for e in leaders] == sorted(by_name.index(e.couple.leader) for e in leaders)


def test_the_draw_by_heat_and_by_couple_for_every_round(printed, facts):
    pages = printed["draw"]
    text = squeeze("\n".join(pages))
    for _, name, _ in facts["rounds"]:
        assert any(name in p.split("\n", 3)[1] for p in pages), f"no page headed {name}"
    assert text.count("By heat") == len(facts["rounds"]) == text.count("By couple")
    for e in facts["entries"]:
        assert f"{e.couple.bib} {e.couple.leader} & {e.couple.follower}" in text


def slips_of(pages: list[str]) -> list[tuple[str, str]]:
    """Each blank slip's text with the round its page header names (a slip ends with its signature line)."""
    found = []
    for page in pages:
        header_round = page.split("\n", 2)[1].split("  ")
        parts = re.split(r"Judge [A-Z]+, signature\s+Time", page)
        assert parts[-1].strip().startswith("log #"), "a slip without its signature line"
        found += [(next(w.strip() for w in header_round[1:] if w.strip()), squeeze(p)) for p in parts[:-1]]
    return found


def test_judges_sheets_one_slip_per_round_dance_and_judge_with_its_bibs_quota_and_signature(printed, facts):
    pages = printed["judges-sheets"]
    slips = slips_of(pages)
    dances = ("Waltz", "Tango", "Viennese Waltz", "Slow Foxtrot", "Quickstep")
    assert len(slips) == len(facts["rounds"]) * len(dances) * len(facts["judges"])
    assert len(pages) <= len(slips) / 3 + len(facts["rounds"])  # several slips share a page (a cut line between)
    names = {r[1] for r in facts["rounds"]}
    expected = iter(
        (rid, name, kind, letter, judge, code, dance)
        for rid, name, kind in facts["rounds"]
        for letter, judge in facts["judges"]
        for code, dance in zip(facts["heats"][rid][1], dances, strict=True)
    )
    for (on_page, text), (rid, name, kind, letter, judge, code, dance) in zip(slips, expected, strict=True):
        assert on_page == name and f"{dance} · {name}" in text, (on_page, text)  # a round starts a page
        assert "Floorcraft Demo Open · Adult Standard Open" in text and f"Judge {letter}: {judge}." in text
        assert not [n for n in names - {name} if f"· {n}" in text]
        recall, heats = facts["heats"][rid][0], facts["heats"][rid][1][code]
        couples = sorted(b for h in heats for b in h)
        if kind == "recall":  # the round's planned recall: 12 of 26, then 6 of 12
            assert f"Mark exactly {recall} couples of {len(couples)}: a cross (X) in the box." in text
        else:
            assert f"Place all {len(couples)} couples: each place 1 to {len(couples)} once" in text, text
        boxes = re.sub(r"Heat \d+", "", text.split(" box.", 1)[1])
        shown = [int(n) for n in re.findall(r"\d+", boxes)]
        assert sorted(shown) == couples, (dance, name, letter)  # that dance's bibs, each once
        if len(heats) > 1:
            assert all(f"Heat {k}" in text for k in range(1, len(heats) + 1))


def test_marks_judges_as_columns_crosses_totals_and_the_cut(printed, facts):
    text = squeeze("\n".join(printed["marks"]))
    for letter, name in facts["judges"]:
        assert f"{letter} {name}" in text
    rid, name, _ = facts["rounds"][0]
    first = facts["results"][rid]
    recall_page = squeeze(next(p for p in printed["marks"] if "Recall 12 couples" in p))
    cut = min(first.totals[str(b)] for b in first.recalled)
    assert f"Recalled {len(first.recalled)}, cut at {cut} crosses" in recall_page, recall_page  # 12, or the chair's
    for bib, total in first.totals.items():  # every couple's row ends with its total (and "yes" when recalled)
        recalled = " yes" if int(bib) in first.recalled else ""
        assert f" {total}{recalled}" in recall_page
    assert "A B C D E F G" in recall_page  # the judges' columns under each dance


def test_marks_of_the_final_with_majority_columns_places_and_every_reason(printed, facts):
    fid = facts["rounds"][-1][0]
    final = facts["results"][fid]
    text = squeeze("\n".join(printed["marks"]))
    columns = " ".join(["1"] + [f"1-{k}" for k in range(2, len(final.places) + 1)])
    assert f"{columns} Place Rule" in text  # 6 couples, or 7 after a tie at the semi-final's cut
    assert "Result over all dances (Rule 9: total of dance places)" in text
    for bib, reason in final.reasons.items():
        assert squeeze(reason) in text, bib


def test_results_names_clubs_and_place_ranges_for_every_couple(printed, facts):
    text = squeeze("\n".join(printed["results"]))
    clubs = {e.couple.bib: e.couple.club for e in facts["entries"]}
    assert "Official" in text
    assert len(facts["standings"].placings) == 26
    for p in facts["standings"].placings:
        place = str(p.place_from) if p.place_from == p.place_to else f"{p.place_from}-{p.place_to}"
        assert f"{place} {p.bib} {p.leader} & {p.follower} {clubs[p.bib]}" in text, p


def test_the_chair_report_panel_per_round_computations_and_sign_off(printed, facts):
    text = squeeze("\n".join(printed["chair-report"]))
    for letter, name in facts["judges"]:
        assert f"{letter} {name}" in text
    assert "the chair signed off the result: official" in text
    for rid, name, _ in facts["rounds"]:
        checksum = facts["results"][rid].sheets_checksum
        # in the panel table and in the computation's row (which may wrap, e.g. with a tie at the cut)
        assert text.count(checksum) >= 2, name
        if facts["results"][rid].tie_at_cut:  # the chair's decision is listed
            assert f"recall {len(facts['results'][rid].recalled)} couples (tie at the cut)" in text
    assert "sheets checksum" in text
    assert "No sheet was corrected" in text and "No couple was disqualified" in text


def test_print_refuses_in_plain_words_and_writes_nothing(judged, tmp_path):
    cases = [
        (["print", "minutes", "--event", "1", str(tmp_path / "a.pdf")], "no document 'minutes'"),
        (["print", "marks", "--event", "999", str(tmp_path / "b.pdf")], "no event 999"),
        (["print", "marks", "--event", "0", str(tmp_path / "c.pdf")], "out of range"),
        (["print", "marks", "--event", "1", str(tmp_path / "nowhere" / "d.pdf")], "there is no folder"),
        (["print", "marks", "--event", "1", str(tmp_path)], "is a folder"),
    ]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    if os.geteuid() != 0:  # root writes anywhere: the permission case is for the box's own user
        cases.append((["print", "marks", "--event", "1", str(locked / "e.pdf")], "permission denied"))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for args, words in cases:
        run = floorcraft(judged, *args)
        assert run.returncode == 2, (args, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and words in lines[0] and "Traceback" not in run.stderr, (args, run.stderr)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_the_usb_export_carries_the_documents_under_its_signed_manifest(judged, facts, tmp_path):
    from appliance.box.export import PRINTED

    assert floorcraft(judged, "export", str(tmp_path)).returncode == 0
    folder = next(tmp_path.glob("floorcraft-export-*"))
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    for event in range(1, 5):  # every event of the demo has computed rounds
        for doc in PRINTED:
            name = f"event-{event}-{doc}.pdf"
            assert name in manifest["files"], name
            assert (folder / name).read_bytes().startswith(b"%PDF-")
    assert not [n for n in manifest["files"] if "judges-sheets" in n]  # every round judged: no blank sheets
    results = " ".join(pages_of(folder / "event-1-results.pdf"))
    assert f"box key {manifest['box_public_key']}" in results and "page 1 of 1" in results
    run = floorcraft(judged, "verify-export", str(folder))
    assert run.returncode == 0, run.stdout + run.stderr
