"""Another box's key (brief S14 points 1 and 2): a valid-length box_ed25519.key that is not the one the checkpoints
were signed with stops every command that opens the data dir (exit 2, one plain line naming the file and what to
do, English and German), checked with hashlib against the key's fingerprint kept beside the checkpoints; a box from
before the fingerprint starts and records it. `floorcraft verify` says once that the key is not the one the
checkpoints were signed with (not TAMPERED for each), and a damaged or unreadable key in plain words."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from appliance import audit
from appliance.db import changelog
from appliance.db.store import Store
from appliance.trust import checkpoints
from tests.conftest import floorcraft
from tests.test_box_key_damaged_cli import _serve

NOT_THE_ONE = "the box key is not the one these checkpoints were signed with"


def _box_with_checkpoints(data: Path, rows: int = 2) -> bytes:
    """`rows` more rows in the data dir's log, each checkpointed (the key made at the first start); the key."""
    for number in range(rows):
        store = Store(data / "floorcraft.sqlite3")
        checkpoints.attach(store, data)
        at = store.clock()
        store.write_sync(lambda conn, n=number, at=at: changelog.append(conn, "test.row", f"test/{n}", {}, at))
        store.close()  # the head is checkpointed at close
    newest = checkpoints.newest(checkpoints.read(data / checkpoints.FILE))
    assert newest is not None and newest["sig"]
    return (data / checkpoints.KEY_FILE).read_bytes()


def test_another_boxs_key_stops_the_start_in_one_plain_line(tmp_path):
    _box_with_checkpoints(tmp_path)
    key = tmp_path / checkpoints.KEY_FILE
    other = os.urandom(32)  # another box's key: the right length, the wrong key
    key.write_bytes(other)
    done = _serve(tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(key) in lines[0] and "is not this box's key" in lines[0] and "backup" in lines[0], lines[0]
    assert checkpoints.PRINT_FILE in lines[0] and key.read_bytes() == other  # what else to do; the file untouched
    german = _serve(tmp_path, "de_DE.UTF-8")
    assert german.returncode == 2 and "ist nicht der Schlüssel dieser Box" in german.stderr, german.stderr
    enrol = floorcraft(tmp_path, "enrol", "--role", "scrutineer", timeout=60, text=True)
    assert enrol.returncode == 2 and "is not this box's key" in enrol.stderr, enrol.stderr


def test_a_box_from_before_the_fingerprint_starts_and_records_it(tmp_path):
    key = _box_with_checkpoints(tmp_path)
    kept = tmp_path / checkpoints.PRINT_FILE
    assert kept.read_text().strip() == hashlib.sha256(key).hexdigest()  # recorded when the key was made
    kept.unlink()  # as on a box from before this change
    _box_with_checkpoints(tmp_path, 1)  # starts, writes and checkpoints as before
    assert kept.read_text().strip() == hashlib.sha256(key).hexdigest()


@pytest.mark.parametrize("fingerprint", ["kept", "none yet"])
def test_verify_says_once_that_the_key_is_not_the_one_the_checkpoints_were_signed_with(tmp_path, fingerprint):
    _box_with_checkpoints(tmp_path, 3)
    if fingerprint == "none yet":
        (tmp_path / checkpoints.PRINT_FILE).unlink()
    (tmp_path / checkpoints.KEY_FILE).write_bytes(os.urandom(32))
    done = floorcraft(tmp_path, "verify", env={"LANG": "C.UTF-8"}, timeout=60, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.count(NOT_THE_ONE) == 1 and "TAMPERED" not in done.stdout, done.stdout
    assert "forged or altered" not in done.stdout and "change log intact: 3 rows" in done.stdout
    german = floorcraft(tmp_path, "verify", env={"LANG": "de_DE.UTF-8"}, timeout=60, text=True)
    assert "ist nicht der, mit dem diese Prüfpunkte signiert wurden" in german.stdout, german.stdout


def test_verify_still_names_a_deleted_tail_with_another_boxs_key(tmp_path):
    _box_with_checkpoints(tmp_path, 2)
    (tmp_path / checkpoints.KEY_FILE).write_bytes(os.urandom(32))
    store = Store(tmp_path / "floorcraft.sqlite3")
    try:
        report = store.read_sync(lambda conn: audit.audit(conn, tmp_path))
        assert report.unchecked and NOT_THE_ONE in report.unchecked[0] and report.problems == []
        assert not any("signed by the box" in note for note in report.notes)
        line = b'{"seq":4,"hash":"ab","at":"2026-05-01T10:00:00+00:00","sig":"AA"}\n'  # a checkpoint past the head
        checkpoints.append(tmp_path / checkpoints.FILE, line)
        report = store.read_sync(lambda conn: audit.audit(conn, tmp_path))
    finally:
        store.close()
    assert len(report.problems) == 1 and "TAIL IS MISSING" in report.problems[0] and "rows 3 to 4" in report.problems[0]


def test_verify_names_a_damaged_key_in_plain_words(tmp_path):
    _box_with_checkpoints(tmp_path, 1)
    key = tmp_path / checkpoints.KEY_FILE
    key.write_bytes(b"\x01" * 31)
    done = floorcraft(tmp_path, "verify", env={"LANG": "C.UTF-8"}, timeout=60, text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"the box key {key} is damaged" in done.stdout and "backup" in done.stdout, done.stdout
    assert "run verify as" not in done.stdout and "32-byte" in done.stdout and "TAMPERED" not in done.stdout
    assert "private key" not in done.stdout.lower()  # no library text ("An Ed25519 private key is 32 bytes long")
    german = floorcraft(tmp_path, "verify", env={"LANG": "de_DE.UTF-8"}, timeout=60, text=True)
    assert "ist beschädigt" in german.stdout, german.stdout


def test_verify_names_a_key_that_is_not_a_file_and_one_it_may_not_read(tmp_path):
    _box_with_checkpoints(tmp_path, 1)
    key = tmp_path / checkpoints.KEY_FILE
    key.unlink()
    key.mkdir()
    done = floorcraft(tmp_path, "verify", env={"LANG": "C.UTF-8"}, timeout=60, text=True)
    assert done.returncode == 1 and f"cannot read {key}: it is not a readable file" in done.stdout, done.stdout
    assert "run verify as" not in done.stdout and "Errno" not in done.stdout
    report = audit.Report()
    key.rmdir()
    key.write_bytes(os.urandom(32))
    os.chmod(key, 0)
    if os.geteuid() == 0:  # root reads any file: refuse it the way the kernel refuses the box's other users
        os.chmod(key, 0o600)
        denied = PermissionError(13, "Permission denied", str(key))
        audit._said_unreadable(denied, key, report)
    else:
        audit._load(tmp_path, report)
    assert report.unchecked == [f"permission denied reading {key}: run verify as the box's user or root"]


def test_a_missing_key_on_a_box_that_has_signed_stops_the_start(tmp_path):
    """A box whose key file is gone but whose checkpoints were signed does not quietly make a new key (every
    earlier checkpoint would then look forged): exit 2, one plain line, nothing made."""
    _box_with_checkpoints(tmp_path)
    key = tmp_path / checkpoints.KEY_FILE
    key.unlink()
    done = _serve(tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(key) in lines[0] and "is missing" in lines[0] and "backup" in lines[0], lines[0]
    assert not key.exists()  # no new key was made
    german = _serve(tmp_path, "de_DE.UTF-8")
    assert german.returncode == 2 and "fehlt, aber die Prüfpunkte" in german.stderr, german.stderr
