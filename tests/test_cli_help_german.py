"""Issue 12 point 5: `floorcraft --help` and `floorcraft COMMAND --help` in the terminal's language.

Under LANG=de_DE.UTF-8 every help text, description and argparse's own headings are German; under the C locale
the help is argparse's English exactly as before. A missing command is named in words, not by argparse's internal
name ("command").
"""

from __future__ import annotations

import argparse

import pytest

from appliance.__main__ import build_parser, main
from appliance.i18n import Message
from tests.conftest import floorcraft

ENGLISH_ONLY = ("usage:", "positional arguments", "options:", "show this help message", "version number")


@pytest.fixture
def terminal(monkeypatch):
    """Set the terminal's language (LANG) for in-process runs; a fixed width so help texts wrap the same."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return lambda lang: monkeypatch.setenv("LANG", lang)


def _parsers(parser: argparse.ArgumentParser):
    """The parser and every sub-command's parser, depth first."""
    yield parser
    for action in parser._actions:
        if action.nargs == argparse.PARSER:
            for sub in action.choices.values():
                yield from _parsers(sub)


def _helps(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if action.nargs == argparse.PARSER:
            yield from ((choice.dest, choice.help) for choice in action._choices_actions)
        elif not isinstance(action, argparse._HelpAction | argparse._VersionAction) and action.help is not None:
            yield action.dest, action.help


def test_every_help_text_is_marked_for_translation():
    parsers = list(_parsers(build_parser()))
    assert len(parsers) > 15
    assert isinstance(parsers[0].description, Message)
    helps = [(parser.prog, dest, text) for parser in parsers for dest, text in _helps(parser)]
    assert len(helps) > 40
    assert not [(prog, dest) for prog, dest, text in helps if not isinstance(text, Message)]


def test_help_is_german_through_and_through(terminal):
    terminal("de_DE.UTF-8")
    for parser in _parsers(build_parser()):
        text = parser.format_help()
        assert text.startswith(f"Aufruf: {parser.prog} [-h]"), text
        assert "Optionen:\n  -h, --help" in text and "diese Hilfe anzeigen und beenden" in text, text
        for dest, help_text in _helps(parser):
            assert str(help_text) not in text, (parser.prog, dest, text)
        assert not any(word in text for word in ENGLISH_ONLY), text


def test_help_stays_argparse_s_english_exactly_in_the_c_locale(terminal):
    terminal("C.UTF-8")
    for parser in _parsers(build_parser()):
        ours = parser.format_help()
        parser.formatter_class = argparse.HelpFormatter  # argparse's own, as before
        assert ours == parser.format_help()
        assert ours.startswith(f"usage: {parser.prog} [-h]") and "options:\n  -h, --help" in ours


def test_floorcraft_help_and_a_command_s_help_in_german(tmp_path):
    german = {"LANG": "de_DE.UTF-8", "COLUMNS": "200"}
    top = floorcraft(tmp_path, "--help", env=german, text=True)
    assert top.returncode == 0, top.stderr
    assert "Auswertungsgerät für Tanzsport-Turnierveranstaltungen." in top.stdout
    assert "Argumente:" in top.stdout and "Versionsnummer des Programms anzeigen und beenden" in top.stdout
    assert "    serve               die Box starten (Webserver, mDNS)\n" in top.stdout
    printing = floorcraft(tmp_path, "print", "--help", env=german, text=True)
    assert printing.stdout.startswith("Aufruf: floorcraft print [-h] --event EVENT DOC OUT.pdf\n"), printing.stdout
    assert "  --event EVENT  die ID des Turniers\n" in printing.stdout


@pytest.mark.parametrize(
    ("lang", "argv", "line"),
    [
        ("de_DE.UTF-8", [], "floorcraft: es fehlt der Befehl: einer von serve, demo, skate, "),
        ("de_DE.UTF-8", ["federation"], "floorcraft: federation: es fehlt der Befehl: einer von wdsf, esv (siehe "),
        ("C.UTF-8", [], "floorcraft: a command is missing: one of serve, demo, skate, "),
    ],
)
def test_a_missing_command_is_named_in_words(terminal, capsys, lang, argv, line):
    terminal(lang)
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.startswith(line) and err.count("\n") == 1, err
    assert "command," not in err and ": command" not in err and ": format" not in err, err
