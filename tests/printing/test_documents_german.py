"""The printed documents in German and in English (issue #12 point 5): the desk's route answers a document in the
asker's language (the cookie floorcraft.lang, else Accept-Language; none: English), the CLI in the terminal's
(LANG), with the glossary's words, German ordinals and dates, `<html lang>` and the PDF's language and title; the
same numbers in both; the kept PDFs of an export are kept per language; the stick's results.html is in the asker's
language too.

One small box (tests/two_events.py) on a real server: a 6-couple final (Cha Cha, Rumba, judges A-C) keyed in and
computed; its marks report and results are printed in each language once (module-scoped)."""

from __future__ import annotations

import re
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import httpx
import pytest

from appliance.box.export import results_documents
from appliance.db.store import connect
from appliance.i18n import COOKIE, translate
from appliance.printing import data, pdf, words
from appliance.printing.kept import Kept
from tests.browser.conftest import box_of
from tests.conftest import Api
from tests.conftest import floorcraft as cli
from tests.two_events import key_in_final, two_events

ENGLISH_HEADINGS = {
    "marks": [
        "Marks",
        "Judges:",
        "Place",
        "Rule",
        "majority",
        "Result over all dances",
        "Placings and their reasons",
        "Reason",
        "Sheets checksum",
        "Floor:",
        "Dances:",
        "Cha Cha",
        "December",
        "printed",
        "page 1 of",
        "No.",
        "Total",
        "dance places",
        "for couple",
    ],
    "results": [
        "Results",
        "Not official yet",
        "Place",
        "Couple",
        "Club",
        "Country",
        "Round",
        "Crosses",
        "Chair of judges",
        "Scrutineer",
        "Floor:",
        "December",
        "printed",
        "page 1 of",
    ],
}
GERMAN_WORDS = {
    "marks": ["Wertungen", "Endrunde", "Wertungsrichter:", "Platz", "Regel", "Mehrheit 2 von 3", "Cha-Cha-Cha", "1."],
    "results": ["Ergebnisse", "Endrunde", "Platz", "Paar", "Verein", "Beisitzer", "Turnierleiter", "Dezember 2026"],
}


async def _set_up(server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        owner = api.device
        box = await two_events(api)
        await key_in_final(api, box["plans"][box["final"]]["rounds"][0])
        documents = {}
        for doc in ("marks", "results"):
            for language, headers in (
                ("de-header", {"Accept-Language": "de-DE,de;q=0.9"}),
                ("de-cookie", {"Accept-Language": "en-US", "Cookie": f"{COOKIE}=de"}),
                ("en", None),
            ):
                answer = await owner.request("GET", f"/api/events/{box['final']}/print/{doc}", headers=headers)
                assert answer.status_code == 200, answer.text
                documents[doc, language] = answer.content
    return {"event": box["final"], "documents": documents}


box = box_of(_set_up)


def text_of(body: bytes, folder: Path, name: str) -> str:
    (folder / name).write_bytes(body)
    run = subprocess.run(["pdftotext", "-layout", str(folder / name), "-"], capture_output=True, text=True, check=True)
    return run.stdout


def catalog_of(body: bytes) -> bytes:
    """The PDF's document catalog and info (in its compressed object streams too)."""
    found = [body]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", body, re.S):
        try:
            found.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            continue
    return b"\n".join(found)


def numbers_of(text: str) -> Counter:
    """Every number the document prints (the time it was printed left out: two prints, two times)."""
    text = re.sub(r"(printed|gedruckt) [\d\-.: ,]+UTC", "", text)
    return Counter(int(n) for n in re.findall(r"\d+", text))


@pytest.mark.parametrize("doc", ["marks", "results"])
def test_a_document_asked_for_in_german_is_german_through_and_through(box, doc, tmp_path):
    _server, facts = box
    german = text_of(facts["documents"][doc, "de-header"], tmp_path, "de.pdf")
    flat = " ".join(german.split())
    for word in GERMAN_WORDS[doc]:
        assert word in flat, (doc, word)
    left = [heading for heading in ENGLISH_HEADINGS[doc] if heading in flat]
    assert not left, f"English left in the German {doc}: {left}"
    assert "Seite 1 von " in flat and "gedruckt" in flat
    english = " ".join(text_of(facts["documents"][doc, "en"], tmp_path, "en.pdf").split())
    for heading in ENGLISH_HEADINGS[doc]:
        assert heading in english, (doc, heading)  # no header: English, as it was
    assert numbers_of(flat) == numbers_of(english)  # the same marks, places and checksums in both


def test_the_page_switch_cookie_chooses_german_over_an_english_browser(box, tmp_path):
    _server, facts = box
    for doc in ("marks", "results"):
        by_cookie = " ".join(text_of(facts["documents"][doc, "de-cookie"], tmp_path, "c.pdf").split())
        assert all(word in by_cookie for word in GERMAN_WORDS[doc]), doc


def test_the_pdf_says_its_language_and_its_title_in_it(box, tmp_path):
    _server, facts = box
    for lang, code, title in (("de-header", b"de", "Ergebnisse"), ("en", b"en", "Results")):
        body = facts["documents"]["results", lang]
        assert b"/Lang (" + code + b")" in catalog_of(body), lang
        (tmp_path / "doc.pdf").write_bytes(body)
        info = subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], capture_output=True, text=True, check=True)
        assert re.search(rf"^Title:\s+{title}: Final Only \(Spring Cup\)$", info.stdout, re.M), info.stdout


def test_the_reasons_in_german_give_german_ordinals_and_the_rule(box, tmp_path):
    _server, facts = box
    flat = " ".join(text_of(facts["documents"]["marks", "de-header"], tmp_path, "de.pdf").split())
    reasons = flat.split("Platzierungen und ihre Begründungen", 1)[1]
    first, second = re.findall(
        r"\b1 (\d+) 1\.: Regel 9, eine Summe der Tanzplätze von 2 gegen 4 für Paar (\d+)", reasons
    )[0]
    assert first != second, reasons  # "1 101 1.: Regel 9, ..." (not "1st: Rule 9, a total of ...")
    assert "5.: Regel 9" in reasons and "st:" not in reasons and "th:" not in reasons


def test_the_cli_prints_in_the_terminals_language(box, tmp_path):
    """LANG=de_DE.UTF-8: German (no LANG is English: tests/printing/test_documents.py prints so)."""
    server, facts = box
    out = tmp_path / "results.pdf"
    run = cli(
        server.data_dir, "print", "results", "--event", str(facts["event"]), str(out), env={"LANG": "de_DE.UTF-8"}
    )
    assert run.returncode == 0, run.stderr
    text = " ".join(text_of(out.read_bytes(), tmp_path, "cli.pdf").split())
    assert "Ergebnisse" in text and "Endrunde" in text and "Seite 1 von 1" in text and "Results" not in text


def test_the_sticks_results_page_and_kept_pdfs_follow_the_askers_language(box, tmp_path):
    server, facts = box
    conn = connect(server.data_dir / "floorcraft.sqlite3", readonly=True)
    try:
        conn.execute("BEGIN")
        page = {lang: results_documents(conn, lang)["results.html"].decode() for lang in ("de", "en")}
        contexts = {
            lang: data.build(conn, facts["event"], "results", "key", "2026-12-05T20:00:00Z", lang)
            for lang in ("de", "en")
        }
    finally:
        conn.close()
    assert "<html lang='de'>" in page["de"] and "<h1>Ergebnisse</h1>" in page["de"] and "Endrunde" in page["de"]
    assert "<html lang='en'>" in page["en"] and "<h1>Results</h1>" in page["en"] and "Final" in page["en"]
    assert "Place" not in page["de"] and "Platz" in page["de"]
    rendered: list[str] = []
    kept = Kept(tmp_path, "v1", lambda text: rendered.append(text) or text.encode())  # records what it lays out
    for lang in ("de", "en", "de"):
        kept.pdf(pdf.html(contexts[lang]))
    assert len(rendered) == 2 and '<html lang="de">' in rendered[0] and '<html lang="en">' in rendered[1]
    assert len(list((tmp_path / "documents").glob("*.pdf"))) == 2  # one kept PDF per language, the second reused


def test_german_dates_and_the_dance_table_match_the_model():
    import datetime as dt

    from appliance.model.competition import DANCE_NAMES

    assert {code: str(words.dance_name(code)) for code in DANCE_NAMES} == DANCE_NAMES  # the model's names, one table
    assert translate(words.dance_name("F"), "de") == "Slowfox" and words.dance_name("X1") == "X1"
    first, last = dt.date(2026, 12, 5), dt.date(2026, 12, 6)
    assert words.event_dates(first, first, "de") == "5. Dezember 2026"
    assert words.event_dates(first, last, "de").endswith("Dezember 2026")
    assert words.event_dates(first, last, "en") == "5 December to 6 December 2026"
    assert words.stamp("2026-12-05T20:07:09.5Z", "de") == "05.12.2026 20:07"
    assert words.page_of("de") == ["Seite ", " von ", ""] and words.page_of("en") == ["page ", " of ", ""]
