"""Issue 12 point 5: the last CLI messages in German too: `verify`'s notes and problems, `verify-export`'s
checkpoint problems and `skate`'s refusals (LANG=de_DE.UTF-8), the same lines in English under C."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.conftest import floorcraft

GERMAN = {"LANG": "de_DE.UTF-8"}
ENGLISH = {"LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def tiny_box(tmp_path_factory):
    """The smallest box with a change log, checkpoints and an export: one enrolment, exported once."""
    data, stick = tmp_path_factory.mktemp("tiny") / "data", tmp_path_factory.mktemp("stick")
    floorcraft(data, "enrol", "--role", "scrutineer", check=True)
    floorcraft(data, "export", str(stick), check=True)
    return data, next(stick.glob("floorcraft-export-*"))


@pytest.fixture
def box(tiny_box, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(tiny_box[0], data)
    return data


def test_verify_says_what_it_checked_in_german(box):
    run = floorcraft(box, "verify", env=GERMAN, text=True)
    assert run.returncode == 0, run.stderr
    assert "Änderungsprotokoll intakt: 1 Zeilen, letzte seq 1" in run.stdout
    assert "Prüfpunkte: 1 von der Box signiert" in run.stdout
    assert "abgeleitete Tabellen aus dem Änderungsprotokoll neu aufgebaut und gleich: competitions" in run.stdout
    assert "nicht neu aufgebaut: enrolments (Einmal-Geheimnisse, nie im Protokoll)" in run.stdout
    assert "change log" not in run.stdout and "rebuilt" not in run.stdout


def test_verify_names_an_altered_row_in_german_and_in_english(box):
    conn = sqlite3.connect(box / "floorcraft.sqlite3")
    conn.execute("UPDATE change_log SET payload = '{}' WHERE seq = 1")
    conn.commit()
    conn.close()
    german = floorcraft(box, "verify", env=GERMAN, text=True)
    assert german.returncode == 1
    said = "Änderungsprotokoll DEFEKT bei seq 1: ihr Inhalt passt nicht zu ihrem Hash (sie wurde verändert)"
    assert said in german.stdout, german.stdout
    english = floorcraft(box, "verify", env=ENGLISH, text=True)
    assert "change log BROKEN at seq 1: its content does not match its hash (it was altered)" in english.stdout


def test_verify_names_a_bad_checkpoint_line_in_german(box):
    with (box / "checkpoints.jsonl").open("a") as checkpoints:
        checkpoints.write("not a checkpoint\n")
    run = floorcraft(box, "verify", env=GERMAN, text=True)
    assert run.returncode == 1
    assert "checkpoints.jsonl Zeile 2 ist kein Prüfpunkt" in run.stdout, run.stdout


def test_verify_export_names_a_rewritten_checkpoint_in_german(tiny_box, tmp_path):
    export = tmp_path / tiny_box[1].name
    shutil.copytree(tiny_box[1], export)
    lines = (export / "checkpoints.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps(first | {"hash": "0" * 64})  # the signature no longer matches what it signs
    (export / "checkpoints.jsonl").write_text("\n".join(lines) + "\n")
    run = floorcraft(tmp_path / "data", "verify-export", str(export), env=GERMAN, text=True)
    assert run.returncode == 1
    said = (
        f"Problem: Prüfpunkt in Zeile 1 (seq {first['seq']}, {first['at']}): seine Signatur passt nicht zum Schlüssel"
    )
    assert said in run.stdout, run.stdout
    english = floorcraft(tmp_path / "data", "verify-export", str(export), env=ENGLISH, text=True)
    assert "checkpoint at line 1" in english.stdout and "its signature does not match the box key" in english.stdout


@pytest.mark.parametrize(
    ("sheet", "german"),
    [
        (
            {"type": "final", "judges": ["A", "B"], "dances": ["W"], "marks": {"W": {"11": [1, 1], "12": [1, 2]}}},
            "Wertungsrichter A hat im Tanz W Paar 12 und Paar 11 beide auf Platz 1 gesetzt",
        ),
        ({"type": "final", "judges": []}, "ungültiger Wertungsbogen: "),
        ("nope", "kein gültiges JSON: "),
    ],
)
def test_skate_refuses_a_bad_sheet_in_german(tmp_path, sheet, german):
    path = tmp_path / "sheet.json"
    path.write_text(sheet if isinstance(sheet, str) else json.dumps(sheet))
    run = floorcraft(tmp_path / "data", "skate", str(path), env=GERMAN, text=True)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(f"floorcraft: skate: {german}"), run.stderr


def test_skate_reports_a_round_in_german(tmp_path):
    sheet = {
        "type": "final",
        "judges": ["A", "B", "C"],
        "dances": ["W"],
        "marks": {"W": {"11": [1, 1, 2], "12": [2, 2, 1]}},
    }
    path = tmp_path / "final.json"
    path.write_text(json.dumps(sheet))
    run = floorcraft(tmp_path / "data", "skate", str(path), env=GERMAN, text=True)
    assert run.returncode == 0, run.stderr
    assert "Tanz W: 3 Wertungsrichter, Mehrheit 2" in run.stdout and "Paar 11: 1.: Regel 5" in run.stdout
