"""T11: READY=1 and watchdog pings that stop while the database is blocked; T14: the units pass systemd-analyze."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time

from tests.conftest import ROOT
from tests.server import Server


def _collect(sock: socket.socket, seconds: float) -> list[str]:
    got, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            break
    return got


def test_t11_ready_then_watchdog_pings_that_stop_while_the_database_is_blocked(tmp_path):
    address = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    server = Server(tmp_path, demo=False, env={"NOTIFY_SOCKET": address, "WATCHDOG_USEC": "400000"}).start()
    try:
        first = _collect(sock, 1.5)
        assert first[0] == "READY=1" and first.count("WATCHDOG=1") >= 4
        blocker = sqlite3.connect(tmp_path / "floorcraft.sqlite3", timeout=1)
        blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the database
        _collect(sock, 0.5)  # a ping already on its way may still arrive
        blocked = _collect(sock, 1.5)
        assert "WATCHDOG=1" not in blocked
        blocker.rollback()
        blocker.close()
        assert "WATCHDOG=1" in _collect(sock, 1.5)  # healthy again: the pings come back
        server.terminate()
        assert "STOPPING=1" in _collect(sock, 1.0)
    finally:
        server.kill()
        sock.close()


UNITS = [
    "floorcraft.service",
    "floorcraft-kiosk.service",
    "floorcraft-backup.service",
    "floorcraft-backup.timer",
    "floorcraft-export@.service",
]


def _units_with_test_paths(tmp_path):
    """The units as installed, with the install prefix pointing at stand-in executables in tmp_path."""
    prefix = tmp_path / "opt"
    for binary in ("venv/bin/floorcraft", "bin/floorcraft-usb-export", "bin/floorcraft-kiosk"):
        path = prefix / binary
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for name in UNITS:
        text = (ROOT / "systemd" / name).read_text().replace("/opt/floorcraft", str(prefix))
        (units / name).write_text(text)
    return units


def test_t14_units_pass_systemd_analyze_verify_and_security(tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is needed (Debian package systemd)"
    units = _units_with_test_paths(tmp_path)
    env = {**os.environ, "SYSTEMD_LOG_LEVEL": "warning"}
    verify = subprocess.run(
        ["systemd-analyze", "verify", *(str(units / n) for n in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    problems = [
        line for line in (verify.stdout + verify.stderr).splitlines() if str(units) in line or "floorcraft" in line
    ]
    assert verify.returncode == 0 and not problems, verify.stdout + verify.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(units / "floorcraft.service")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    score = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout)
    assert score, security.stdout + security.stderr
    assert float(score.group(1)) <= 3.0, security.stdout  # "OK" or better: recorded in docs/box.md


def test_the_unit_lets_the_fan_out_workers_lower_their_priority_and_denies_the_rest_of_resources():
    """Issue 13: the workers call os.nice (NICE in appliance/live/worker.py) so the judges' requests come first.
    The unit's system-call filter denies @privileged and every call of @resources but nice and setpriority
    (without CAP_SYS_NICE, no process of the unit can raise its priority with them)."""
    listed = subprocess.run(
        ["systemd-analyze", "syscall-filter", "@resources"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    resources = {line.strip() for line in listed.splitlines()[1:] if line.strip() and not line.strip().startswith("#")}
    unit = (ROOT / "systemd" / "floorcraft.service").read_text()
    denied = set()
    for line in unit.splitlines():
        if line.startswith("SystemCallFilter=~"):
            denied |= set(line.removeprefix("SystemCallFilter=~").split())
    assert "@privileged" in denied and "@resources" not in denied
    assert resources - denied == {"nice", "setpriority"}
    bounding = [
        line for line in unit.splitlines() if line.startswith(("CapabilityBoundingSet=", "AmbientCapabilities="))
    ]
    assert bounding and all("CAP_SYS_NICE" not in line for line in bounding)
