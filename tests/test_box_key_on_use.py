"""The box's idle memory (issue 13): `cryptography` (~8 MB in the server) loads when the box first signs or checks
something, not at start, and zeroconf only when mDNS is on.

A new box still makes its Ed25519 key at its first start; a box started again on its data reads the key file at
start (a damaged one still stops it) and turns it into a key at its first checkpoint, which it signs as before.
The server test reads the process's own memory map: an idle server restarted on an owned box (it writes nothing at
start) has mapped neither library."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from appliance.db import changelog
from appliance.db.store import Store, StoreError
from appliance.trust import checkpoints
from appliance.trust.client import SignedClient
from tests.conftest import ROOT, Api
from tests.server import Server

WAIT = 30.0  # seconds any one wait may take at most (a bound, not a pace)
LIBRARIES = ("/cryptography/", "/zeroconf/")  # what an idle box without mDNS must not have mapped

RESTART = """
import json, sys
from pathlib import Path
from appliance.trust import checkpoints
from appliance.db import changelog
from appliance.db.store import Store
data = Path(sys.argv[1])
store = Store(data / "floorcraft.sqlite3")
checkpoints.attach(store, data)
at_start = "cryptography" in sys.modules
store.write_sync(lambda conn: changelog.append(conn, "test.row", "test/1", {}, store.clock()))
store.close()
print(json.dumps([at_start, "cryptography" in sys.modules]))
"""


def _write_row(store: Store) -> None:
    store.write_sync(lambda conn: changelog.append(conn, "test.row", "test/1", {}, store.clock()))


def _problems(data: Path) -> list[str]:
    """Every problem `floorcraft verify` finds with the data dir's checkpoints (none: each line signed by the key)."""
    store = Store(data / "floorcraft.sqlite3")
    try:
        head = store.read_sync(changelog.head)[0]
        hashes = store.read_sync(lambda conn: {s: changelog.row_at(conn, s) for s in range(1, head + 1)})
    finally:
        store.close()
    entries = checkpoints.read(data / checkpoints.FILE)
    assert entries and checkpoints.newest(entries)["seq"] == head  # type: ignore[index]
    return checkpoints.check(entries, checkpoints.public_key(data), hashes.get, head)


def test_a_new_box_makes_its_key_at_start_and_signs_its_checkpoints_with_it(tmp_path):
    store = Store(tmp_path / "floorcraft.sqlite3")
    checkpoints.attach(store, tmp_path)
    key_file = tmp_path / checkpoints.KEY_FILE
    assert len(key_file.read_bytes()) == 32 and key_file.stat().st_mode & 0o777 == 0o600  # made at start
    _write_row(store)
    store.close()  # the head is checkpointed at close
    assert _problems(tmp_path) == []


def test_a_restarted_box_loads_cryptography_at_its_first_checkpoint_with_the_same_key(tmp_path):
    store = Store(tmp_path / "floorcraft.sqlite3")
    checkpoints.attach(store, tmp_path)
    _write_row(store)
    store.close()
    key = (tmp_path / checkpoints.KEY_FILE).read_bytes()
    run = [sys.executable, "-c", RESTART, str(tmp_path)]
    done = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=WAIT)  # a fresh interpreter
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, True]  # not at start; at the checkpoint of the new row
    assert (tmp_path / checkpoints.KEY_FILE).read_bytes() == key
    assert _problems(tmp_path) == []  # both checkpoints verify with the one key


def test_a_damaged_key_file_still_stops_the_start(tmp_path):
    (tmp_path / checkpoints.KEY_FILE).write_bytes(b"not a key")
    store = Store(tmp_path / "floorcraft.sqlite3")
    try:
        with pytest.raises(StoreError, match="Ed25519"):
            checkpoints.attach(store, tmp_path)
    finally:
        store.close()


def _mapped(server: Server) -> list[str]:
    assert server.proc is not None
    maps = Path(f"/proc/{server.proc.pid}/maps").read_text()
    return [library for library in LIBRARIES if library in maps]


async def _own_and_write(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.base, timeout=WAIT) as http:
        desk = await SignedClient.enrol(http, server.first_enrolment_url())
        server.terminate()  # a box whose scrutineer is enrolled writes nothing when it starts again
        server.start()
        assert _mapped(server) == []  # started and answering: idle, nothing signed yet
        await Api(http, desk).competition()
    server.terminate()  # the new head is checkpointed at the latest at the stop


def test_an_idle_server_on_an_owned_box_has_loaded_neither_cryptography_nor_zeroconf(tmp_path):
    server = Server(tmp_path, demo=False).start()
    try:
        asyncio.run(_own_and_write(server))
    finally:
        server.kill()
    assert _problems(tmp_path) == []
