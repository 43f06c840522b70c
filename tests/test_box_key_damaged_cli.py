"""A damaged box key file (box_ed25519.key: a wrong length, or not a file) stops `floorcraft serve` (and every command
that opens the data dir) with exit 2 and one plain line naming the file and what to do, in the terminal's language:
no traceback, and the file is left as it was (probe p5)."""

from __future__ import annotations

from pathlib import Path

from appliance.trust import checkpoints
from tests.conftest import floorcraft
from tests.server import free_port


def _serve(data: Path, lang: str = "C.UTF-8"):
    env = {"FLOORCRAFT_PORT": str(free_port()), "LANG": lang}
    return floorcraft(data, "serve", env=env, timeout=60, text=True)


def test_a_key_file_of_the_wrong_length_is_one_plain_line_and_exit_2(tmp_path):
    key = tmp_path / checkpoints.KEY_FILE
    key.write_bytes(b"\x01" * 31)
    done = _serve(tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(key) in lines[0] and "is not the box key" in lines[0] and "this file has 31" in lines[0]
    assert "backup" in lines[0] and key.read_bytes() == b"\x01" * 31  # what to do; the file untouched
    german = _serve(tmp_path, "de_DE.UTF-8")
    assert german.returncode == 2 and "ist nicht der Schlüssel der Box" in german.stderr, german.stderr


def test_a_key_path_that_is_a_folder_is_one_plain_line_and_exit_2(tmp_path):
    (tmp_path / checkpoints.KEY_FILE).mkdir()
    done = floorcraft(tmp_path, "enrol", "--role", "scrutineer", timeout=60, text=True)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot read the box key" in lines[0] and "Traceback" not in done.stderr, done.stderr
