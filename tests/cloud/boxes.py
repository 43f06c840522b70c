"""Boxes for the cloud's tests without running one: an Ed25519 key and a hash-chained change log of any rows,
signed batches of it, and pairing (through the receiver, or through the real commands)."""

from __future__ import annotations

import json
import os
import re
import ssl
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from appliance.box.export import box_key, public_key_text
from appliance.box.sync import batch_body
from appliance.cloud import receiver
from appliance.db import changelog
from appliance.db.cloud_backend import CloudDB
from appliance.trust import crypto
from tests.conftest import ROOT


class FakeBox:
    """A key and a log: `add` appends rows (kind, entity, payload), `batch` signs rows first..last as the box does."""

    def __init__(self, key: Ed25519PrivateKey | None = None):
        self.key = key or Ed25519PrivateKey.generate()
        self.box = public_key_text(self.key)
        self.rows: list[tuple] = []

    def add(self, kind: str, entity: str, payload: dict, at: str = "2026-05-01T10:00:00+00:00") -> FakeBox:
        seq = len(self.rows) + 1
        prev = self.rows[-1][6] if self.rows else changelog.GENESIS
        text = changelog.canonical(payload)
        self.rows.append((seq, kind, entity, text, at, prev, changelog.row_hash(seq, kind, entity, text, at, prev)))
        return self

    def filler(self, count: int) -> FakeBox:
        for i in range(count):
            self.add("floor.moved", f"floor/{i % 3 + 1}", {"n": len(self.rows), "i": i})
        return self

    def batch(self, first: int = 1, last: int | None = None) -> tuple[bytes, dict]:
        body = batch_body(self.rows[first - 1 : last], self.box)
        return body, {"Content-Type": "application/json", "X-Box-Signature": self.sign(body)}

    def sign(self, body: bytes) -> str:
        return crypto.b64u(self.key.sign(body))

    def pair_body(self, code: str) -> tuple[bytes, dict]:
        body = json.dumps({"box": self.box, "code": code, "name": "test box"}).encode()
        return body, {"Content-Type": "application/json", "X-Box-Signature": self.sign(body)}


def pair_directly(store: CloudDB, box: FakeBox) -> None:
    """Pair a box with the receiver's own use cases (a code made, then taken by the box's signed request)."""
    code, _ = receiver.new_code(store, 5)
    body, headers = box.pair_body(code)
    receiver.pair(store, body, headers["X-Box-Signature"])


def pair_data_dir(store: CloudDB, data_dir: Path) -> str:
    """Pair a real box's data dir (its box_ed25519.key, made if missing); the box's key."""
    data_dir.mkdir(parents=True, exist_ok=True)
    box = FakeBox(box_key(data_dir))
    pair_directly(store, box)
    return box.box


def floorcraft(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "appliance", *args],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def pair_with_commands(cloud_env: dict, box_dir: Path, cloud_url: str) -> str:
    """`floorcraft cloud pair` on the cloud, then `floorcraft pair CODE` on the box: the box's key."""
    made = floorcraft("cloud", "pair", "--minutes", "5", env=cloud_env)
    assert made.returncode == 0, made.stderr
    code = re.search(r"floorcraft pair (\S+)", made.stdout).group(1)
    box_dir.mkdir(parents=True, exist_ok=True)
    took = floorcraft("pair", code, env={"FLOORCRAFT_DATA_DIR": str(box_dir), "FLOORCRAFT_CLOUD_URL": cloud_url})
    assert took.returncode == 0, took.stderr
    return re.search(r" as (\S+) at ", took.stdout).group(1)


class CloudProcess:
    """One `floorcraft cloud` receiver process on a loopback port (several may share one database)."""

    def __init__(self, env: dict):
        from tests.server import free_port

        self.port = free_port()
        cert = env.get("FLOORCRAFT_TLS_CERT")  # https with the test's self-signed certificate (tests/tls.py)
        self.base = f"{'https' if cert else 'http'}://127.0.0.1:{self.port}"
        self.verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=cert) if cert else True
        self.env = {"PATH": os.environ.get("PATH", ""), "FLOORCRAFT_PORT": str(self.port), **env}
        self.proc: subprocess.Popen | None = None

    def launch(self) -> CloudProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "appliance", "cloud"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def start(self, timeout: float = 30) -> CloudProcess:
        """Launch (unless launched already) and wait until it answers."""
        import time

        import httpx

        if self.proc is None:
            self.launch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the cloud exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                httpx.get(f"{self.base}/cloud/boxes", timeout=1, verify=self.verify)
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the cloud did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc is not None and self.proc.stderr is not None:
            self.proc.stderr.close()
