"""Issue 9.1: the USB export carries no secret; a full backup leaves the box only sealed with a passphrase.

A real server on loopback with devices of every role, registration links, a chair's PIN, stored answers of
enrolments and one enrolment still open; `floorcraft export` while it runs. Every live secret (device keys,
enrolment secrets, registration tokens, the PIN hash, the box's signing key, the passphrase) is looked for in
every exported byte, in raw, hex and base64 forms, also in every cell of any SQLite file on the stick. Then an
attacker with the stick alone tries every 32-byte value it holds as a device key and as an enrolment secret
against the running box: refused (while the live key and secret, the old stick's content, are accepted).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from appliance.trust import crypto
from appliance.trust.client import SignedClient
from tests.conftest import ROOT, floorcraft
from tests.server import Server

PASSPHRASE = "a long organiser passphrase 7"
PIN = "48291735"
MAX_CANDIDATES = 2000  # bounds the attacker's loop (a small box yields a few hundred)


async def _make_box(server: Server) -> dict:
    """Devices of every role, registration links, the chair's PIN; two enrolments left open (urls returned)."""
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        comp = await desk.post(
            "/api/competitions/",
            json={"name": "Secret Cup", "starts_on": "2026-12-05", "ends_on": "2026-12-05", "venue": "Hall"},
        )
        assert comp.status_code == 201, comp.text
        cid = comp.json()["id"]
        judge = await desk.post(f"/api/competitions/{cid}/adjudicators", json={"name": "Ann Judge", "letter": "A"})
        assert judge.status_code == 201, judge.text
        seats = [
            {"role": "chair", "competition_id": cid},
            {"role": "adjudicator", "competition_id": cid, "judge": "A"},
            {"role": "display", "competition_id": cid},
            {"role": "scrutineer"},
        ]
        devices = {}
        for seat in seats:
            made = await desk.post("/api/enrolments", json=seat)  # its stored answer holds the secret
            assert made.status_code == 201, made.text
            devices[seat["role"] + "-2"] = await SignedClient.enrol(http, made.json()["url"])
        open_urls = []
        for _ in range(2):
            made = await desk.post("/api/enrolments", json={"role": "scrutineer"})
            assert made.status_code == 201, made.text
            open_urls.append(made.json()["url"])
        for role in ("couple", "adjudicator"):
            link = await desk.post(f"/api/competitions/{cid}/registration-links", json={"role": role})
            assert link.status_code == 201, link.text
        pin = await devices["chair-2"].put(f"/api/competitions/{cid}/chair-pin", json={"pin": PIN})
        assert pin.status_code == 204, pin.text
    return {"open_urls": open_urls, "competition": cid}


def _live_secrets(data_dir: Path) -> dict[str, bytes]:
    """Every secret the live box holds (read from its database and data dir), by a name for the message."""
    found: dict[str, bytes] = {}
    conn = sqlite3.connect(f"file:{data_dir / 'floorcraft.sqlite3'}?mode=ro", uri=True)
    try:
        for device_id, key in conn.execute("SELECT id, key FROM devices"):
            found[f"key of device {device_id}"] = bytes(key)
        for enrolment_id, secret in conn.execute("SELECT id, secret FROM enrolments"):
            found[f"secret of enrolment {enrolment_id}"] = bytes(secret)
        for (token,) in conn.execute("SELECT token FROM registration_links"):
            found[f"registration token {token}"] = token.encode()
        for cid, pin_hash in conn.execute("SELECT id, chair_pin FROM competitions WHERE chair_pin IS NOT NULL"):
            found[f"PIN hash of competition {cid}"] = pin_hash.encode()
            for number, part in enumerate(re.split(r"[$:]", pin_hash)):
                if len(part) >= 16:
                    found[f"PIN hash part {number} of competition {cid}"] = part.encode()
                    if re.fullmatch(r"(?:[0-9a-f]{2})+", part):
                        found[f"PIN hash part {number} of competition {cid} (bytes)"] = bytes.fromhex(part)
    finally:
        conn.close()
    found["the box's signing key"] = (data_dir / "box_ed25519.key").read_bytes()
    found["the backup passphrase"] = PASSPHRASE.encode()
    return found


def _forms(secret: bytes) -> set[bytes]:
    """The secret as it could appear in a file: raw, hex, base64 and base64url (padded or not)."""
    b64, b64u = base64.b64encode(secret), base64.urlsafe_b64encode(secret)
    return {
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        b64,
        b64.rstrip(b"="),
        b64u,
        b64u.rstrip(b"="),
    }


def _exported_blobs(folder: Path) -> list[tuple[str, bytes]]:
    """Every file's bytes, and every cell of every SQLite file among them (the stick as an attacker reads it)."""
    blobs = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        blobs.append((path.name, data))
        if data.startswith(b"SQLite format 3\x00"):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in tables:
                    for row in conn.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from the file
                        for value in row:
                            if isinstance(value, (str, bytes)):
                                blobs.append(
                                    (f"{path.name}:{table}", value.encode() if isinstance(value, str) else value)
                                )
            finally:
                conn.close()
    return blobs


def _candidates(blobs: list[tuple[str, bytes]]) -> set[bytes]:
    """Every 32-byte value the stick holds in hex, base64 or base64url: the attacker's guesses at a key."""
    found = set()
    for _, data in blobs:
        for token in re.findall(rb"[A-Za-z0-9_+/=-]{40,}", data):
            for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
                for text in (token, token.rstrip(b"=") + b"=" * (-len(token.rstrip(b"=")) % 4)):
                    try:
                        value = decode(text.decode())
                    except (ValueError, binascii.Error):
                        continue
                    if len(value) == 32:
                        found.add(value)
    return found


def _readable_path(role: str) -> str:
    return "/api/judge/tasks" if role == "adjudicator" else "/api/competitions/"


async def _attack(base: str, stick: Path, live: dict[str, bytes], open_urls: list[str]) -> None:
    blobs = _exported_blobs(stick)
    candidates = sorted(_candidates(blobs))
    assert 0 < len(candidates) < MAX_CANDIDATES
    log = [json.loads(line) for line in (stick / "change_log.jsonl").read_text().splitlines()]
    enrolled = {
        row["entity"].split("/", 1)[1]: json.loads(row["payload"])["role"]
        for row in log
        if row["kind"] == "device.enrolled"
    }
    assert sorted(enrolled.values()) == ["adjudicator", "chair", "display", "scrutineer", "scrutineer"]
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        for device_id, role in enrolled.items():
            live_key = live[f"key of device {device_id}"]
            control = SignedClient(http, device_id, live_key, role)
            assert (await control.get(_readable_path(role))).status_code == 200  # what the old stick allowed
            for guess in candidates:
                forged = SignedClient(http, device_id, guess, role, counter=control.counter)
                answer = await forged.get(_readable_path(role))
                assert answer.status_code == 401, (device_id, answer.text)
        await _attack_enrolment(http, candidates, live, open_urls)


async def _attack_enrolment(http, candidates, live, open_urls) -> None:
    control_id = open_urls[0].split("#")[1].split(".")[0]
    control_secret = live[f"secret of enrolment {control_id}"]
    url = open_urls[0].split("#")[0] + f"#{control_id}.{crypto.b64u(control_secret)}"
    assert (await SignedClient.enrol(http, url)).device_id  # the old stick's secret would enrol a device
    target = open_urls[1].split("#")[1].split(".")[0]
    statuses = []
    for guess in candidates:
        device_id = secrets.token_urlsafe(12)
        _, public = crypto.new_keypair()
        answer = await http.post(
            "/api/enrol",
            json={
                "enrolment_id": target,
                "device_id": device_id,
                "public_key": public,
                "proof": crypto.enrol_proof(guess, target, device_id, public),
            },
        )
        statuses.append(answer.status_code)
        if answer.status_code == 429:  # rate-limited: the box refuses the rest anyway
            break
    assert statuses[0] == 401 and set(statuses) <= {401, 429}, statuses


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    """One small box for the module: exports and restores elsewhere leave it as it is."""
    data = tmp_path_factory.mktemp("box") / "data"
    data.mkdir()
    server = Server(data, demo=False).start()
    try:
        made = asyncio.run(_make_box(server))
        yield server, data, made
    finally:
        server.kill()


@pytest.fixture(autouse=True)
def stick(tmp_path):
    """The stick's mount point: `floorcraft export` refuses a folder that does not exist."""
    (tmp_path / "stick").mkdir()
    return tmp_path / "stick"


def test_the_export_holds_no_secret_and_the_stick_alone_cannot_sign_or_enrol(box, tmp_path):
    server, data, made = box
    (tmp_path / "passphrase").write_text(PASSPHRASE + "\n")
    run = floorcraft(
        data, "export", str(tmp_path / "stick"), env={"FLOORCRAFT_BACKUP_PASSPHRASE_FILE": str(tmp_path / "passphrase")}
    )
    assert run.returncode == 0, run.stderr  # a read-only command: works while the server runs
    stick = next((tmp_path / "stick").glob("floorcraft-export-*"))
    names = {p.name for p in stick.iterdir()}
    assert names == {
        "MANIFEST.json",
        "results.json",
        "results.csv",
        "results.html",
        "change_log.jsonl",
        "floorcraft-backup.sqlite3.sealed",
    } | ({"checkpoints.jsonl"} & names)
    live = _live_secrets(data)
    assert sum(name.startswith("key of device") for name in live) == 5
    assert any(name.startswith("registration token") for name in live) and any("PIN" in name for name in live)
    blobs = _exported_blobs(stick)
    for name, secret in live.items():
        for form in _forms(secret):
            leaks = [where for where, data_ in blobs if form in data_]
            assert not leaks, f"{name} is on the stick in {leaks}"
    asyncio.run(_attack(server.base, stick, live, made["open_urls"]))
    assert floorcraft(data, "verify-export", str(stick)).returncode == 0


def test_a_sealed_backup_restores_with_its_passphrase_only(box, tmp_path):
    server, data, _ = box
    (tmp_path / "passphrase").write_text(PASSPHRASE)
    run = floorcraft(
        data, "export", str(tmp_path / "stick"), env={"FLOORCRAFT_BACKUP_PASSPHRASE_FILE": str(tmp_path / "passphrase")}
    )
    assert run.returncode == 0, run.stderr
    sealed = next((tmp_path / "stick").glob("floorcraft-export-*/floorcraft-backup.sqlite3.sealed"))
    head = httpx.get(f"{server.base}/api/health").json()["change_log_head"]
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "wrong").write_text("not the passphrase at all")
    run = floorcraft(elsewhere, "restore", str(sealed), "--passphrase-file", str(tmp_path / "wrong"))
    assert run.returncode == 2 and b"wrong passphrase" in run.stderr and run.stderr.count(b"\n") == 1
    assert not (elsewhere / "floorcraft.sqlite3").exists()
    assert not [p for p in elsewhere.rglob("*") if p.is_file() and p.name != "floorcraft.lock"]
    run = floorcraft(elsewhere, "restore", str(sealed))  # no terminal to ask in, no file: refused
    assert run.returncode == 2 and b"encrypted" in run.stderr
    run = floorcraft(elsewhere, "restore", str(sealed), "--passphrase-file", str(tmp_path / "passphrase"))
    assert run.returncode == 0, run.stderr
    run = floorcraft(elsewhere, "verify")
    assert run.returncode == 0 and f"head seq {head}".encode() in run.stdout
    live = _live_secrets(data)  # the box's own secrets came back whole
    conn = sqlite3.connect(f"file:{elsewhere / 'floorcraft.sqlite3'}?mode=ro", uri=True)
    try:
        keys = {f"key of device {d}": bytes(k) for d, k in conn.execute("SELECT id, key FROM devices")}
    finally:
        conn.close()
    assert keys == {k: v for k, v in live.items() if k.startswith("key of device")}


def test_a_sealed_backup_asks_for_its_passphrase_in_a_terminal(box, tmp_path):
    import pty

    _, data, _ = box
    (tmp_path / "passphrase").write_text(PASSPHRASE)
    floorcraft(
        data, "export", str(tmp_path / "stick"), env={"FLOORCRAFT_BACKUP_PASSPHRASE_FILE": str(tmp_path / "passphrase")}
    )
    sealed = next((tmp_path / "stick").glob("floorcraft-export-*/floorcraft-backup.sqlite3.sealed"))
    outcomes = []
    for typed in ("the wrong one, typed", PASSPHRASE):
        primary, secondary = pty.openpty()
        env = {"FLOORCRAFT_DATA_DIR": str(tmp_path / "elsewhere"), "PATH": os.environ.get("PATH", "")}
        proc = subprocess.Popen(
            [sys.executable, "-m", "appliance", "restore", str(sealed)],
            cwd=ROOT,
            env=env,
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            start_new_session=True,
        )
        os.close(secondary)
        output = _read_until(primary, b"Passphrase of")
        os.write(primary, typed.encode() + b"\n")
        outcomes.append((proc.wait(60), output + _read_until(primary, None)))
        os.close(primary)
    (wrong, wrong_out), (right, right_out) = outcomes
    assert wrong == 2 and b"wrong passphrase" in wrong_out and b"the wrong one" not in wrong_out
    assert right == 0 and b"restored" in right_out


def _read_until(fd: int, marker: bytes | None, timeout: float = 60) -> bytes:
    """Read the terminal until `marker` shows (or, with None, until the process closes it); bounded in time."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (marker is None or marker not in seen):
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        seen += chunk
    return seen


def test_without_a_passphrase_the_stick_gets_no_backup_and_the_manifest_says_so(box, tmp_path):
    _, data, _ = box
    run = floorcraft(data, "export", str(tmp_path / "stick"))
    assert run.returncode == 0 and b"backup: none" in run.stdout
    stick = next((tmp_path / "stick").glob("floorcraft-export-*"))
    manifest = json.loads((stick / "MANIFEST.json").read_text())
    assert manifest["backup"].startswith("none: FLOORCRAFT_BACKUP_PASSPHRASE_FILE is not set")
    assert not [p for p in stick.iterdir() if "sqlite3" in p.name]
    (tmp_path / "short").write_text("short")
    run = floorcraft(
        data, "export", str(tmp_path / "stick2"), env={"FLOORCRAFT_BACKUP_PASSPHRASE_FILE": str(tmp_path / "short")}
    )
    assert run.returncode == 2 and b"at least 10 characters" in run.stderr and not (tmp_path / "stick2").exists()
