"""Issue 12 point 5: the CLI speaks the terminal's language (LANG=de_DE.UTF-8: German; C.UTF-8: English).

Refusals are still one line on standard error with exit status 2; the success lines of the commands that keep the
box's data (enrol, backup, export, verify-export) are said in German too; argparse's own words as well
(tests/test_cli_help_german.py).
"""

from __future__ import annotations

import pytest

from tests.conftest import floorcraft

GERMAN = {"LANG": "de_DE.UTF-8"}
ENGLISH = {"LANG": "C.UTF-8"}


def _one_line(run, *words: str) -> None:
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and run.stderr.startswith("floorcraft: "), run.stderr
    assert all(word in run.stderr for word in words), run.stderr


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (GERMAN, "es gibt keinen Ordner {missing} (ist der USB-Stick dort eingehängt?); nichts wurde geschrieben"),
        (ENGLISH, "there is no folder {missing} (is the stick mounted there?); nothing was written"),
    ],
)
def test_export_to_a_folder_that_does_not_exist_is_refused_in_the_terminal_s_language(tmp_path, env, said):
    missing = tmp_path / "stick"
    run = floorcraft(tmp_path / "data", "export", str(missing), env=env, text=True)
    _one_line(run, f"floorcraft: export: {said.format(missing=missing)}")
    assert not missing.exists()


def test_refusals_in_german(tmp_path):
    data = tmp_path / "data"
    _one_line(floorcraft(data, "verify-export", str(tmp_path / "none"), env=GERMAN, text=True), "es gibt keinen Ordner")
    _one_line(
        floorcraft(data, "enrol", "--role", "chair", "--judge", "A", env=GERMAN, text=True),
        "floorcraft: enrol: --judge gibt es nur mit --role adjudicator",
    )
    _one_line(floorcraft(data, "backup", env=GERMAN, text=True), "floorcraft: keine Datenbank unter")
    _one_line(  # our own words inside argparse's line
        floorcraft(data, "backup", "--keep", "0", env=GERMAN, text=True),
        "0 liegt außerhalb des Bereichs (1 bis 10000)",
    )
    _one_line(
        floorcraft(data, "verify", env=GERMAN | {"FLOORCRAFT_COLOUR": "blue"}, text=True),
        "floorcraft: unbekannte Einstellung FLOORCRAFT_COLOUR (bekannt: ",
    )


def test_the_same_refusals_in_english_under_the_c_locale(tmp_path):
    data = tmp_path / "data"
    _one_line(
        floorcraft(data, "enrol", "--role", "chair", "--judge", "A", env=ENGLISH, text=True),
        "floorcraft: enrol: --judge is only for --role adjudicator",
    )
    _one_line(floorcraft(data, "backup", "--keep", "0", env={}, text=True), "0 is out of range (1 to 10000)")


def test_the_data_commands_say_what_they_did_in_german(tmp_path):
    data, stick = tmp_path / "data", tmp_path / "stick"
    stick.mkdir()
    enrolled = floorcraft(data, "enrol", "--role", "scrutineer", env=GERMAN, text=True)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "Mit dem Gerät scannen, um es anzumelden (Turnierleiter, gültig bis " in enrolled.stdout
    backed = floorcraft(data, "backup", env=GERMAN, text=True)
    assert backed.returncode == 0 and "geschrieben und geprüft" in backed.stdout, backed.stderr
    exported = floorcraft(data, "export", str(stick), env=GERMAN, text=True)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith(f"exportiert nach {stick}")
    assert "Sicherung: keine: FLOORCRAFT_BACKUP_PASSPHRASE_FILE ist nicht gesetzt" in exported.stdout
    checked = floorcraft(data, "verify-export", str(stick), env=GERMAN, text=True)
    assert checked.returncode == 0 and "ist vollständig, signiert und unverändert" in checked.stdout, checked.stderr
    english = floorcraft(data, "verify-export", str(stick), env=ENGLISH, text=True)
    assert english.returncode == 0 and "is complete, signed and intact" in english.stdout
