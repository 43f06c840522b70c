"""provisioning/install.sh: a dry run changes nothing; into a temporary root it installs everything, idempotently."""

from __future__ import annotations

import stat
import subprocess

from tests.conftest import ROOT

SCRIPT = ROOT / "provisioning" / "install.sh"


def install(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=120)


def fake_root(tmp_path, codename: str = "bookworm"):
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text(f"ID=debian\nVERSION_CODENAME={codename}\n")
    return root


def snapshot(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_a_dry_run_prints_every_step_and_changes_nothing(tmp_path):
    root = fake_root(tmp_path)
    before = snapshot(root)
    run = install("--dry-run", "--root", str(root), "--access-point", "FloorcraftAP", "--passphrase", "longenough")
    assert run.returncode == 0, run.stderr
    for step in (
        "checking the operating system",
        "creating the users",
        "installing the application",
        "installing the systemd units",
        "setting the hostname",
        "access point",
        "dry run: nothing",
    ):
        assert step in run.stdout
    assert "would run: install -m 0644" in run.stdout
    assert snapshot(root) == before
    offline = install("--dry-run", "--root", str(root), "--wheelhouse", "/media/wheels")
    pip = f"{root}/opt/floorcraft/venv/bin/pip"
    assert f"would run: {pip} install --no-index --find-links /media/wheels" in offline.stdout
    assert snapshot(root) == before


def test_installing_into_a_temporary_root_twice_gives_the_same_box(tmp_path):
    root = fake_root(tmp_path)
    args = (
        "--root",
        str(root),
        "--skip-venv",
        "--hostname",
        "floorcraft-hall",
        "--access-point",
        "FloorcraftAP",
        "--passphrase",
        "longenough",
    )
    run = install(*args)
    assert run.returncode == 0, run.stdout + run.stderr
    units = root / "etc" / "systemd" / "system"
    assert {p.name for p in units.iterdir()} >= {
        "floorcraft.service",
        "floorcraft-kiosk.service",
        "floorcraft-backup.timer",
        "floorcraft-export@.service",
    }
    assert (root / "etc" / "udev" / "rules.d" / "99-floorcraft-usb.rules").exists()
    assert (root / "opt" / "floorcraft" / "appliance" / "app.py").exists()
    script = root / "opt" / "floorcraft" / "bin" / "floorcraft-usb-export"
    assert script.stat().st_mode & stat.S_IXUSR
    env = (root / "etc" / "floorcraft" / "floorcraft.env").read_text()
    assert "FLOORCRAFT_PUBLIC_URL=http://192.168.4.1" in env
    from appliance.settings import load_settings  # what the box will run with: every line a known, good setting

    written = load_settings(dict(line.split("=", 1) for line in env.splitlines() if line and not line.startswith("#")))
    assert (written.live_workers, written.live_workers_idle, written.live_max_viewers) == (2, 600, 5000)
    ap = root / "etc" / "NetworkManager" / "system-connections" / "floorcraft-ap.nmconnection"
    assert "ssid=FloorcraftAP" in ap.read_text() and stat.S_IMODE(ap.stat().st_mode) == 0o600
    assert (root / "etc" / "hostname").read_text().strip() == "floorcraft-hall"
    first = {
        p: (root / p).read_bytes() for p in ("etc/passwd", "etc/group", "etc/hosts", "etc/floorcraft/floorcraft.env")
    }
    again = install(*args)
    assert again.returncode == 0, again.stderr
    assert {p: (root / p).read_bytes() for p in first} == first  # idempotent
    assert [line.split(":")[0] for line in (root / "etc" / "passwd").read_text().splitlines()] == [
        "floorcraft",
        "floorcraft-kiosk",
    ]


def test_the_wrong_system_or_options_are_refused(tmp_path):
    root = fake_root(tmp_path, "buster")
    run = install("--root", str(root), "--skip-venv")
    assert run.returncode == 1 and "needs Debian or Raspberry Pi OS Bookworm" in run.stderr
    assert install("--frobnicate").returncode == 2
    assert install("--access-point", "X", "--passphrase", "short").returncode == 2
