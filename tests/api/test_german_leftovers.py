"""Issue 12 point 5: the desk's event results say why a couple is withdrawn or disqualified in the asker's language.

The small box of tests/two_events.py (the 6-couple "Final Only", drawn, not yet danced): one couple withdrawn, one
disqualified and one disqualified for the step limit by the chair. /api/events/{id}/results lists them after the
placed couples with their reasons: German to a German reader (Accept-Language or the page's cookie), English to a
program (no Accept-Language), as before. A couple withdrawn during a final keeps its place and the final's reason
(tests/api/test_reasons_german.py's final): said in German too.
"""

from __future__ import annotations

import pytest

from tests.api.test_reasons_german import judge_final
from tests.api.test_withdrawals import entry_of
from tests.conftest import enrolled
from tests.two_events import two_events

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}


@pytest.fixture
async def absent(api, client) -> tuple[str, list[int]]:
    """The results' path of the final whose couples (bibs) 0, 1 and 2 are withdrawn, DQ'd and DQ'd for steps."""
    box = await two_events(api)
    comp, event_id = box["competition"], box["final"]
    chair = await enrolled(client, "chair", competition_id=comp["id"])
    entries = await api.ok("GET", f"/api/competitions/{comp['id']}/entries")
    bibs = sorted(e["couple"]["bib"] for e in entries if e["event"] == "Final Only")[:3]
    first = await entry_of(api, comp, "Final Only", bibs[0])
    await api.ok("POST", f"/api/entries/{first['id']}/withdraw", json={"reason": "injury"})
    for bib, extra in ((bibs[1], {}), (bibs[2], {"step_limit": True})):
        entry = await entry_of(api, comp, "Final Only", bib)
        done = await chair.post(f"/api/entries/{entry['id']}/disqualify", {"reason": "conduct"} | extra)
        assert done.status_code == 200, done.text
    return f"/api/events/{event_id}/results", bibs


def _reasons(answer: dict, bibs: list[int]) -> list[tuple[str, str]]:
    found = {p["bib"]: (p["label"], p["reason"]) for p in answer["placings"]}
    return [found[bib] for bib in bibs]


async def test_withdrawn_and_disqualified_couples_reasons_in_german(api, absent):
    path, bibs = absent
    assert _reasons(await api.ok("GET", path, headers=GERMAN), bibs) == [
        ("withdrawn", "zurückgezogen: injury"),
        ("DQ", "disqualifiziert: conduct"),
        ("DQ", "wegen der Schrittbegrenzung disqualifiziert: conduct"),
    ]
    cookie = {"Cookie": "floorcraft.lang=de", "Accept-Language": "en"}  # the page's switch wins
    assert _reasons(await api.ok("GET", path, headers=cookie), bibs)[0] == ("withdrawn", "zurückgezogen: injury")


async def test_the_same_reasons_stay_english_for_a_program(api, absent):
    path, bibs = absent
    assert _reasons(await api.ok("GET", path), bibs) == [
        ("withdrawn", "withdrawn: injury"),
        ("DQ", "disqualified: conduct"),
        ("DQ", "disqualified for the step limit: conduct"),
    ]


async def test_a_couple_withdrawn_in_the_final_keeps_its_place_and_its_reason_in_german(api):
    facts = await judge_final(api)
    event_id = (await api.ok("GET", f"/api/rounds/{facts['round_id']}/result"))["event_id"]
    path = f"/api/events/{event_id}/results"
    german = {p["bib"]: p for p in (await api.ok("GET", path, headers=GERMAN))["placings"]}
    gone = german[facts["withdrawn"]]
    assert (gone["label"], gone["place"]) == ("withdrawn", 6), gone
    assert gone["reason"].startswith("Zurückgezogen (injury), getanzt: ") and "Wertungsrichter" in gone["reason"], gone
    english = {p["bib"]: p for p in (await api.ok("GET", path))["placings"]}
    assert english[facts["withdrawn"]]["reason"].startswith("Withdrawn (injury) after dancing ")
