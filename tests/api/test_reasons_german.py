"""Issue #12 point 5: the phone's results say each couple's reason for its place, and why a couple is withdrawn or
disqualified, in the reader's language. A computed final stores its reasons as Messages (`reasons_said`) beside
the English; /api/public/results says them in German to a German reader (Accept-Language or the page's cookie),
and gives a program (no Accept-Language) and an English reader the English as stored. A round computed before
the Messages were stored keeps its English.

One real server on loopback (tests/server.py) and one small box for the module (tests/two_events.py): the 6-couple
final (Cha Cha, Rumba; judges A-C) judged so that Rule 10 decides the 4th and 5th places, one couple withdrawn
(injury) after the Cha Cha (the box places it last in the Rumba)."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import httpx
import pytest

from appliance.i18n import _n, from_tree, to_tree, translate
from appliance.scoring.explain import place_words
from appliance.services.public import public_places, published
from tests.api.test_withdrawals import entry_of
from tests.conftest import Api
from tests.server import Server
from tests.two_events import bibs, two_events

# Each couple's places from judges A, B, C by its index in bib order: Rule 9 places 1st-3rd and 6th, Rule 10 the
# 4th and 5th (the same total, 4th or better in as many dances, those places adding up to 3 against 4).
CHA_CHA = {0: (2, 1, 1), 1: (1, 2, 2), 2: (3, 3, 3), 3: (5, 6, 6), 4: (4, 4, 4), 5: (6, 5, 5)}
RUMBA = {0: (1, 1, 1), 1: (3, 4, 2), 2: (4, 2, 3), 3: (2, 3, 4), 4: (5, 5, 5)}  # index 5 withdrew: the box fills 6
GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}


async def judge_final(api: Api) -> dict:
    """The small box with its final computed as above; its facts: the final's round id and bibs, the withdrawn bib."""
    box = await two_events(api)
    final = box["plans"][box["final"]]["rounds"][0]
    order = bibs(final)
    for dance, marks in (("C", CHA_CHA), ("R", RUMBA)):
        if dance == "R":
            entry = await entry_of(api, box["competition"], "Final Only", order[5])
            await api.ok("POST", f"/api/entries/{entry['id']}/withdraw", json={"reason": "injury"})
        for j, judge in enumerate("ABC"):
            places = {str(order[i]): marks[i][j] for i in marks}
            path = f"/api/rounds/{final['id']}/sheets/{dance}/judges/{judge}"
            await api.ok("POST", path, json={"places": places})
    return {"round_id": final["id"], "bibs": order, "withdrawn": order[5]}


async def _set_up(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=30) as http:
        api = await Api.of_owner(http, server)
        facts = await judge_final(api)
        facts["stored"] = await api.ok("GET", f"/api/rounds/{facts['round_id']}/result")
    return facts


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("box"), demo=False).start()
    try:
        yield server, asyncio.run(_set_up(server))
    finally:
        server.terminate()


def _results(server: Server, headers: dict | None = None) -> httpx.Response:
    answer = httpx.get(f"{server.base}/api/public/results", headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer


def _final(answer: httpx.Response, round_id: int) -> tuple[dict, dict]:
    """(the final as published, its event)."""
    [event] = [e for e in answer.json()["events"] if any(r["round_id"] == round_id for r in e["rounds"])]
    return next(r for r in event["rounds"] if r["round_id"] == round_id), event


def test_a_program_and_an_english_reader_get_the_reasons_in_english_as_stored(box):
    server, facts = box
    plain = _results(server)
    final, event = _final(plain, facts["round_id"])
    assert final["reasons"] == facts["stored"]["reasons"]  # the English the round stored, unchanged
    fourth = str(facts["bibs"][3])
    assert final["reasons"][fourth].startswith("4th, not 5th: Rule 10, placed 4th or better in as many dances as")
    gone = str(facts["withdrawn"])
    assert final["reasons"][gone].startswith("Withdrawn (injury) after dancing C: placed last in R by every judge")
    assert "as the rules say). 6th: Rule 9, a total of 11 dance places against 9 for couple " in final["reasons"][gone]
    mine = next(p for p in event["standings"] if p["bib"] == facts["withdrawn"])
    assert (mine["status"], mine["why"]) == ("withdrawn", "withdrawn in the Final: injury")
    assert b"reasons_said" not in plain.content  # the Messages stay in the log: the answer's shape is as before
    for english in ({"Accept-Language": "en-GB,en;q=0.9"}, {"Accept-Language": "de", "Cookie": "floorcraft.lang=en"}):
        assert _results(server, english).content == plain.content


def test_a_german_reader_gets_every_reason_and_the_withdrawal_in_german(box):
    server, facts = box
    for asked in (_results(server, GERMAN), _results(server, {"Cookie": "floorcraft.lang=de"})):
        final, event = _final(asked, facts["round_id"])
        english, _event = _final(_results(server), facts["round_id"])
        assert set(final["reasons"]) == set(english["reasons"]) and final["places"] == english["places"]
        said = " ".join(final["reasons"].values())
        assert "Rule" not in said and "dance places" not in said and "couple" not in said, said
        fourth = str(facts["bibs"][3])
        assert final["reasons"][fourth].startswith("4., nicht 5.: Regel 10, mit 4. oder besser platziert"), final
        gone = final["reasons"][str(facts["withdrawn"])]
        assert gone.startswith("Zurückgezogen (injury), getanzt: C; in R von jedem Wertungsrichter auf den letzten")
        assert "6.: Regel 9, eine Summe der Tanzplätze von 11 gegen 9 für Paar" in gone
        mine = next(p for p in event["standings"] if p["bib"] == facts["withdrawn"])
        assert mine["why"] == "in der Endrunde zurückgezogen: injury"


def test_a_round_computed_before_the_messages_were_stored_keeps_its_english(box):
    """The same log with the round's `reasons_said` taken out (as a box's log from before holds it): German
    readers get the stored English reasons; the withdrawal's why is still German (made when it is read)."""
    server, facts = box
    with sqlite3.connect(f"file:{server.data_dir / 'floorcraft.sqlite3'}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT seq, kind, entity, payload FROM change_log ORDER BY seq").fetchall()
    old = []
    for seq, kind, entity, text in rows:
        payload = json.loads(text)
        if kind == "round.computed":
            assert payload["result"].pop("reasons_said")
        old.append((seq, kind, entity, json.dumps(payload)))
    german = published(old, "de")
    [final] = [r for e in german["events"] for r in e["rounds"] if r["round_id"] == facts["round_id"]]
    assert final["reasons"] == facts["stored"]["reasons"]
    mine = next(p for e in german["events"] for p in e["standings"] if p["bib"] == facts["withdrawn"])
    assert mine["why"] == "in der Endrunde zurückgezogen: injury"
    assert published(old) == published(rows)  # in English the Messages change nothing


def test_a_message_tree_says_the_same_english_and_its_german():
    """i18n's to_tree / from_tree: a Message with a plural and nested Messages, through JSON and back."""
    shared = place_words(5, 2)  # "2.5 (2nd-3rd shared)": a half, two ordinals
    tree = json.loads(json.dumps(to_tree(shared)))
    assert tree["msgid"] == "{place} ({first}-{last} shared)" and tree["params"]["first"]["msgid"] == "{n}nd"
    again = from_tree(tree)
    assert str(again) == str(shared) == "2.5 (2nd-3rd shared)"
    assert translate(again, "de") == translate(shared, "de") == "2,5 (2.\u20133. geteilt)"
    plural = _n("{n} dance", "{n} dances", 3)
    assert to_tree(plural) == {"msgid": ["{n} dance", "{n} dances"], "params": {"n": 3}}
    made = from_tree(json.loads(json.dumps(to_tree(plural))))
    assert made.msgid == ("{n} dance", "{n} dances") and str(made) == "3 dances" and translate(made, "de") == "3 Tänzen"


def test_a_withdrawn_or_disqualified_couple_s_why_in_either_language():
    """services/public.py's `why` for each kind of absence, with and without the round it happened in."""
    absent = {7: ("withdrawn", "1st round", "ill"), 8: ("withdrawn", "", "ill"), 9: ("DQ", "Semi-final", "conduct")}
    absent |= {10: ("DQ", "", "step limit")}
    english = [p["why"] for p in public_places([], absent, {})]
    assert english == [
        "withdrawn in the 1st round: ill",
        "withdrawn: ill",
        "disqualified in the Semi-final: conduct",
        "disqualified: step limit",
    ]
    assert [p["why"] for p in public_places([], absent, {}, "de")] == [
        "in der 1. Runde zurückgezogen: ill",
        "zurückgezogen: ill",
        "in der Semifinalrunde disqualifiziert: conduct",
        "disqualifiziert: step limit",
    ]
