"""A throwaway PostgreSQL server (Debian's `postgresql` package) on a Unix socket in a temporary folder: initdb,
pg_ctl start, a fresh database per test, pg_ctl stop. As root (CI, the development container) the server runs as
`nobody` (PostgreSQL refuses to run as root); otherwise as the user running the tests."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

NOBODY = 65534


def binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql (.ci/run does)")
    return Path(found[-1]).parent


class Cluster:
    def __init__(self, durable: bool = False):
        self.bin = binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="fc-pg-"))
        self.data = self.dir / "data"
        self.durable = durable  # fsync on (the benchmark); the tests run without it
        self.numbers = itertools.count(1)

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "nobody", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.dir)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")

    def start(self) -> Cluster:
        if os.geteuid() == 0:
            os.chown(self.dir, NOBODY, -1)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-k {self.dir} -c listen_addresses='' -c max_connections=300 -c shared_buffers=64MB"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60", "-o", options, "start"
        )
        return self

    def admin_url(self) -> str:
        return f"postgresql://postgres@/postgres?host={self.dir}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL (FLOORCRAFT_CLOUD_DATABASE_URL)."""
        import psycopg

        name = f"t{next(self.numbers)}"
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@/{name}?host={self.dir}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
