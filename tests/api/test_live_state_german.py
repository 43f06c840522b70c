"""S13 point 4: the live state's sentences for a person (a final's reasons for its places, why a couple is
withdrawn) follow the reader's language, as /api/public/results does: German to a German reader, English (as
stored) to a program that names no language. The rest of the live state is data the pages word themselves
(web/display/display.js says "withdrawn" and "DQ"; the dances and rounds through web/lib/dances.js).

The box: tests/api/test_reasons_german.py's final (Rule 10 decides the 4th and 5th places, one couple withdrawn
after the Cha Cha), on one real server on loopback."""

from __future__ import annotations

import httpx

from tests.api.test_reasons_german import GERMAN, box  # noqa: F401 - the same box, set up once per module
from tests.server import Server


def _get(server: Server, path: str, headers: dict | None = None) -> dict:
    answer = httpx.get(f"{server.base}{path}", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _said(server: Server, round_id: int, withdrawn: int, headers: dict | None) -> tuple[dict, str, dict, str]:
    """(the final's reasons, the withdrawn couple's why) in the live state and in the published results."""
    state = _get(server, "/api/live/state", headers)
    result = next(r for r in state["results"] if r["round_id"] == round_id)
    event = next(s for s in state["standings"] if s["event_id"] == result["event_id"])
    why = next(p["why"] for p in event["places"] if p["bib"] == withdrawn)
    public = _get(server, "/api/public/results", headers)
    [shown] = [e for e in public["events"] if e["event_id"] == result["event_id"]]
    final = next(r for r in shown["rounds"] if r["round_id"] == round_id)
    published_why = next(p["why"] for p in shown["standings"] if p["bib"] == withdrawn)
    return result["reasons"], why, final["reasons"], published_why


def test_the_live_state_says_the_reasons_and_absences_in_german_to_a_german_reader(box):
    server, facts = box
    reasons, why, published, published_why = _said(server, facts["round_id"], facts["withdrawn"], GERMAN)
    english = facts["stored"]["reasons"]
    assert reasons == published and why == published_why  # as the results page says them
    assert all(reasons[bib] != english[bib] for bib in english), reasons  # every reason in German
    assert why == "in der Endrunde zurückgezogen: injury", why  # the reason itself as the desk typed it


def test_a_program_gets_the_live_state_in_english_as_stored(box):
    server, facts = box
    reasons, why, _, _ = _said(server, facts["round_id"], facts["withdrawn"], None)
    assert reasons == facts["stored"]["reasons"]
    assert why == "withdrawn in the Final: injury"
