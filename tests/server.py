"""A real `floorcraft serve` on loopback, for the tests that need the network, a restart or a kill."""

from __future__ import annotations

import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """Start, stop, kill -9 and restart one server process on one data dir and port."""

    def __init__(
        self,
        data_dir: Path,
        demo: bool = True,
        mdns: bool = False,
        stop_timeout: float = 2.0,
        extra: tuple[str, ...] = (),
        env: dict | None = None,
        preexec_fn=None,
    ):
        self.data_dir, self.demo, self.mdns, self.stop_timeout = data_dir, demo, mdns, stop_timeout
        self.preexec_fn = preexec_fn  # run in the child before exec (e.g. lower its open-file limit)
        self.extra = list(extra)
        self.env = env or {}
        self.port = free_port()
        cert = self.env.get("FLOORCRAFT_TLS_CERT")  # over https: httpx trusts that certificate
        self.verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=cert) if cert else True
        self.base = f"{'https' if cert else 'http'}://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = data_dir / "server.log"
        self._log = None

    def start(self, timeout: float = 30) -> Server:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "FLOORCRAFT_DATA_DIR": str(self.data_dir),
            "FLOORCRAFT_PORT": str(self.port),
            "FLOORCRAFT_MDNS": "true" if self.mdns else "false",
            "FLOORCRAFT_MDNS_INTERFACES": "127.0.0.1",
            "FLOORCRAFT_STOP_TIMEOUT": str(self.stop_timeout),
            **self.env,
        }
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        args = [sys.executable, "-m", "appliance", "serve"] + (["--demo"] if self.demo else []) + self.extra
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=self.preexec_fn
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/health", timeout=1, verify=self.verify).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def first_enrolment_url(self) -> str:
        return re.findall(r"https?://\S+/join#\S+", self.log_path.read_text())[-1]

    def terminate(self, timeout: float = 15) -> int:
        """SIGTERM: a graceful stop, which must end with exit status 0 (not death by the signal)."""
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout)
        self._close_log()
        assert code == 0, f"SIGTERM ended the server with exit status {code}: {self.log_path.read_text()[-1500:]}"
        return code

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
