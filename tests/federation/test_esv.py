"""DTV ESV results (issue #11 points 1 and 5): the worked example of formats.md maps to the ESV example
(tests/data/formats/esv), every document the demo produces validates against the published schema and adds up,
the v1 checksum has its known value, and `floorcraft federation esv` refuses bad input with exit 2."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys

import pytest

from appliance.federation.esv import checksum, results_document, serialise
from appliance.federation.schema import results_errors
from appliance.services.signature_png import check_png
from tests.conftest import DATA, ROOT, enrolled
from tests.federation.example import CROSSES, judge_all, judge_round, set_up

EXAMPLES = DATA / "formats" / "esv"
NOT_RECORDED = ("id", "personen", "meldungsTyp", "startklasse", "staat")  # facts Floorcraft does not keep
NOT_COMPUTED = ("punkte", "platzierungenGesamt", "punkteGesamt")  # DTV promotion: not modelled


def _cli(data_dir, *args, timeout=120):
    env = {"FLOORCRAFT_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run(
        [sys.executable, "-m", "appliance", *args], cwd=ROOT, capture_output=True, timeout=timeout, env=env
    )


def _esv(monkeypatch, capsys, data_dir, *args) -> tuple[int, str, str]:
    """`floorcraft federation esv ...` in this process (the same main() the console script runs)."""
    from appliance.__main__ import main

    monkeypatch.setenv("FLOORCRAFT_DATA_DIR", str(data_dir))
    capsys.readouterr()
    try:
        status = main(["federation", "esv", *map(str, args)])
    except SystemExit as exc:  # argparse's own refusals
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


async def _document(client, event_id: int) -> dict:
    store = client.app.state["ctx"].store
    return await store.read(lambda conn: results_document(conn, event_id))


async def _countries(api, competition_id: int) -> None:
    for entry in await api.ok("GET", f"/api/competitions/{competition_id}/entries"):
        await api.ok("PATCH", f"/api/couples/{entry['couple']['id']}", json={"country": "GER"})


def _comparable(starter: dict) -> dict:
    kept = {k: v for k, v in starter.items() if k not in NOT_RECORDED}
    if kept["ergebnis"] is not None:
        kept["ergebnis"] = {k: v for k, v in kept["ergebnis"].items() if k not in NOT_COMPUTED}
    return kept


async def test_the_worked_example_maps_to_the_esv_example(api, client):
    ids = await judge_all(api)
    await _countries(api, ids["competition"])
    chair = await enrolled(client, "chair", competition_id=ids["competition"])
    assert (await chair.post(f"/api/rounds/{ids['final']}/sign-off", {})).status_code == 200
    document = await _document(client, ids["event"])
    example = json.loads((EXAMPLES / "ergebnis-level2-minimal.json").read_text(encoding="utf-8"))
    assert results_errors(document) == []
    assert document["endergebnis"] is True
    for field in ("taenze", "ablauf", "endrundentabellen", "skatingtabellen", "stichrunden", "stichrundentabellen"):
        assert document[field] == example[field], field
    assert [j["kuerzel"] for j in document["wr"]] == ["A", "B", "C"]
    assert [_comparable(s) for s in document["starter"]] == [_comparable(s) for s in example["starter"]]
    assert [s["staat"] for s in document["starter"]] == ["GER"] * 5


async def test_an_interim_document_lists_every_couple_and_only_the_rounds_danced(api, client):
    ids = await set_up(api)
    await _countries(api, ids["competition"])
    await judge_round(api, ids["first"], final=False)
    document = await _document(client, ids["event"])
    assert results_errors(document) == []
    assert document["endergebnis"] is False and [r["runde"] for r in document["ablauf"]] == [1]
    assert document["endrundentabellen"] is None and document["skatingtabellen"] == []
    by_bib = {s["startNr"]: s for s in document["starter"]}
    assert sorted(by_bib) == [101, 102, 103, 104, 105] and by_bib[105]["status"] == 2
    assert by_bib[104]["ergebnis"]["platzGesamtVon"] == 4  # out in round 1, below the three still dancing
    assert by_bib[101]["ergebnis"] is None and len(by_bib[101]["wertung"]) == 1


def test_the_checksum_is_the_first_six_hex_of_the_sha1_of_the_body():
    level1 = json.loads((EXAMPLES / "ergebnis-level1-minimal.json").read_text(encoding="utf-8"))
    body = serialise(level1)
    assert len(body) == 3796
    assert checksum(body) == "9c180d"  # formats.md 1.4: the compact body hashes to 9c180da83fccc576...
    assert checksum((EXAMPLES / "ergebnis-level1-minimal.json").read_bytes()) == "495681"  # as stored
    assert checksum(b"") == "da39a3"


def _adds_up(document: dict) -> None:
    """What JSON Schema cannot check (formats.md 1.11 item 4): sums last, totals, running totals, the order."""
    kinds = [r["typ"] for r in document["ablauf"]]
    dances = len(document["taenze"])
    for starter in document["starter"]:
        for typ, marks in zip(kinds, starter["wertung"] or [], strict=False):
            if typ == "K":
                judges, total = marks[:-1], marks[-1]
                assert all(len(j) == dances + 1 and sum(j[:-1]) == j[-1] for j in judges)
                assert total == sum(j[-1] for j in judges)
            else:
                assert len(marks) == dances
                running = 0
                for dance in marks:
                    assert len(dance) == len(document["wr"]) + 2
                    running += dance[-2]
                    assert dance[-1] == running
        if starter["status"] == 1:
            assert len(starter["wertung"]) >= 1 and starter["ergebnis"] is not None


def _signed_sheets(document: dict, folder) -> None:
    """The demo's simulated tablets sign every round: each judge's sheet is there, signed, with its marks."""
    for step in document["ablauf"]:
        body = json.loads((folder / f"wrzettel-{step['runde']}.json").read_bytes())
        assert len(body) == len(document["wr"]) and all(sheet is not None for sheet in body)
        for judge, sheet in zip(document["wr"], body, strict=True):
            assert sheet["wr"]["nachname"] == judge["nachname"]
            width, height = check_png(base64.b64decode(sheet["unterschrift"]))
            assert width <= 400 and height <= 200
            assert all(len(s["wertungen"]) == len(document["taenze"]) for s in sheet["starter"])


def test_every_esv_document_of_the_demo_validates_against_the_published_schema(
    judged_demo, tmp_path, monkeypatch, capsys
):
    places = []
    for event_id in (1, 2, 3, 4):
        out, sheets = tmp_path / f"esv-{event_id}.json", tmp_path / f"sheets-{event_id}"
        sheets.mkdir()
        status, printed, err = _esv(monkeypatch, capsys, judged_demo, "--event", event_id, "--sheets", sheets, out)
        assert status == 0, err
        body = out.read_bytes()
        assert f"X-DTV-Pruefsumme: {checksum(body)}" in printed
        document = json.loads(body)
        assert results_errors(document) == [], event_id
        assert document["endergebnis"] is True and document["ablauf"][-1]["runde"] == "F"
        assert [r["runde"] for r in document["ablauf"][:-1]] == list(range(1, len(document["ablauf"])))
        _adds_up(document)
        _signed_sheets(document, sheets)
        places.append(sorted(s["ergebnis"]["platzGesamtVon"] for s in document["starter"] if s["ergebnis"]))
    assert all(p[0] == 1 for p in places)


def test_the_cli_refuses_an_unknown_event_an_unjudged_one_and_an_unwritable_file(
    judged_demo, tmp_path, monkeypatch, capsys
):
    unknown = _cli(judged_demo, "federation", "esv", "--event", "99", str(tmp_path / "a.json"))  # the real command
    assert unknown.returncode == 2 and b"no event 99" in unknown.stderr and not (tmp_path / "a.json").exists()
    assert len(unknown.stderr.strip().splitlines()) == 1
    status, _, err = _esv(monkeypatch, capsys, judged_demo, "--event", 1, tmp_path / "missing" / "b.json")
    assert status == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1
    status, _, err = _esv(
        monkeypatch, capsys, judged_demo, "--event", 1, "--sheets", tmp_path / "no", tmp_path / "b.json"
    )
    assert status == 2 and "is not a folder" in err and not (tmp_path / "b.json").exists()
    fresh = tmp_path / "fresh"
    assert _cli(fresh, "demo").returncode == 0
    status, _, err = _esv(monkeypatch, capsys, fresh, "--event", 1, tmp_path / "c.json")
    assert status == 2 and "has no computed round yet" in err and not (tmp_path / "c.json").exists()
    for bad in (["--event", "0"], ["--event", "x"], []):
        status, _, err = _esv(monkeypatch, capsys, judged_demo, *bad, tmp_path / "d.json")
        assert status == 2 and len(err.strip().splitlines()) == 1, err


async def test_the_judges_sheets_carry_each_digital_judges_marks_and_signature(api, client):
    from appliance.federation.esv_sheets import judges_sheets
    from tests.api.test_signature import _send_round, body, png

    ids = await set_up(api)
    await _countries(api, ids["competition"])
    tablet = await enrolled(client, "adjudicator", competition_id=ids["competition"], judge="A")
    await _send_round(tablet, ids["first"], "A")  # judge A marks on the tablet, B and C on paper (keyed)
    signature = png(200, 80)
    assert (await tablet.post(f"/api/rounds/{ids['first']}/signature", body(signature))).status_code == 200
    for dance in ("S", "C", "R"):
        for judge in "BC":
            path = f"/api/rounds/{ids['first']}/sheets/{dance}/judges/{judge}"
            await api.ok("POST", path, json={"crosses": CROSSES[dance][judge]})
    store = client.app.state["ctx"].store
    sheets = await store.read(lambda conn: judges_sheets(conn, ids["event"]))
    assert [one["runde"] for one in sheets] == [1]
    a, b, c = sheets[0]["body"]
    assert b is None and c is None  # keyed from paper: not wholly digital
    assert a["wr"] == {"id": None, "vorname": "Ada", "nachname": "Adam"}
    assert (a["kreuzvorgabeVon"], a["kreuzvorgabeBis"]) == (3, 3)
    assert base64.b64decode(a["unterschrift"]) == signature
    example = json.loads((EXAMPLES / "ergebnis-level2-minimal.json").read_text(encoding="utf-8"))
    judge_a = {s["startNr"]: s["wertung"][0][0] for s in example["starter"] if s["wertung"]}
    assert {s["startNr"]: [*s["wertungen"], s["summe"]] for s in a["starter"]} == judge_a


async def test_an_event_whose_final_had_another_panel_is_refused_in_plain_words(api, client):
    from appliance.errors import Invalid

    ids = await set_up(api)
    await _countries(api, ids["competition"])
    await api.ok("POST", f"/api/competitions/{ids['competition']}/adjudicators", 201, json={"name": "Dora Dorn"})
    await judge_round(api, ids["first"], final=False)
    await api.ok("PUT", f"/api/rounds/{ids['final']}/panel", json={"letters": ["A", "B", "D"], "reason": "C is ill"})
    for dance in ("S", "C", "R"):
        for judge in "ABD":
            places = {"101": 1, "102": 2, "103": 3}
            await api.ok("POST", f"/api/rounds/{ids['final']}/sheets/{dance}/judges/{judge}", json={"places": places})
    assert (await api.ok("GET", f"/api/rounds/{ids['final']}/result"))["state"] == "computed"
    with pytest.raises(Invalid, match="judge C judged an earlier round and not the final"):
        await _document(client, ids["event"])
