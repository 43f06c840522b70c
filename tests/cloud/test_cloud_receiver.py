"""Issue #14 points 1 and 2 on both databases: pairing, not trust on first use; every batch stored once with the
same hash and chain checks; one migrations story (a new database, an old SQLite file, a second start)."""

from __future__ import annotations

import sqlite3

import pytest
from litestar.testing import AsyncTestClient

from appliance.cloud import create_cloud_app, receiver
from appliance.db import cloud as db
from appliance.db.cloud_backend import MIGRATIONS, open_cloud
from appliance.errors import NotFound
from appliance.settings import Settings
from tests.cloud.boxes import FakeBox, pair_directly


def held(store, box: FakeBox) -> list[tuple]:
    with store.transaction() as tx:
        return tx.all("SELECT seq, hash FROM cloud_log WHERE box = ? ORDER BY seq", (box.box,))


async def send(client, path: str, signed: tuple[bytes, dict]):
    body, headers = signed
    return await client.post(path, content=body, headers=headers)


def app_for(tmp_path, backend: str):
    return create_cloud_app(tmp_path, settings=Settings(data_dir=str(tmp_path), cloud_database_url=backend))


async def test_an_unpaired_box_is_refused_with_403_and_nothing_is_stored(tmp_path, backend):
    box = FakeBox().filler(5)
    async with AsyncTestClient(app_for(tmp_path, backend)) as client:
        body, headers = box.batch()
        answer = await client.post("/cloud/batches", content=body, headers=headers)
        assert answer.status_code == 403
        assert "not paired" in answer.json()["error"]["message"]
        assert "floorcraft pair CODE" in answer.json()["error"]["message"]
        store = client.app.state["cloud_store"]
        assert held(store, box) == [] and (await client.get("/cloud/boxes")).json() == []


async def test_a_paired_box_s_batches_are_stored_exactly_once(tmp_path, backend):
    box = FakeBox().filler(15)
    async with AsyncTestClient(app_for(tmp_path, backend)) as client:
        store = client.app.state["cloud_store"]
        code, _ = receiver.new_code(store, 5)
        body, headers = box.pair_body(code.lower().replace("-", " "))  # typed in loosely: still the code
        assert (await client.post("/cloud/pair", content=body, headers=headers)).status_code == 200
        for first, last in ((1, 10), (1, 10), (5, 15), (15, 15)):  # sent again, overlapping
            body, headers = box.batch(first, last)
            answer = await client.post("/cloud/batches", content=body, headers=headers)
            assert answer.status_code == 200 and answer.json() == {"acked_seq": last}
        assert held(store, box) == [(r[0], r[6]) for r in box.rows]
        listed = (await client.get("/cloud/boxes")).json()
    assert [(b["box"], b["head"], b["rows"], b["head_hash"]) for b in listed] == [(box.box, 15, 15, box.rows[-1][6])]


async def test_the_chain_checks_refuse_an_altered_row_a_gap_and_a_bad_signature(tmp_path, backend):
    box = FakeBox().filler(6)
    async with AsyncTestClient(app_for(tmp_path, backend)) as client:
        pair_directly(client.app.state["cloud_store"], box)
        body, headers = box.batch(1, 3)
        assert (await client.post("/cloud/batches", content=body, headers=headers)).status_code == 200
        gap_body, gap_headers = box.batch(5, 6)
        gap = await client.post("/cloud/batches", content=gap_body, headers=gap_headers)
        assert gap.status_code == 409 and gap.json()["error"]["expected_seq"] == 4
        altered = body.replace(b"floor.moved", b"floor.moveD", 1)
        headers = {**headers, "X-Box-Signature": box.sign(altered)}
        answer = await client.post("/cloud/batches", content=altered, headers=headers)
        assert answer.status_code == 422 and "does not match its hash" in answer.json()["error"]["message"]
        forged = await client.post("/cloud/batches", content=gap_body, headers=headers)
        assert forged.status_code == 401
        junk = await client.post("/cloud/batches", content=b"{", headers=headers)
        assert junk.status_code == 422 and "not JSON" in junk.json()["error"]["message"]
        assert held(client.app.state["cloud_store"], box) == [(r[0], r[6]) for r in box.rows[:3]]


async def test_a_pairing_code_is_used_once_and_expires(tmp_path, backend):
    first, second = FakeBox().filler(1), FakeBox().filler(1)
    async with AsyncTestClient(app_for(tmp_path, backend)) as client:
        store = client.app.state["cloud_store"]
        code, _ = receiver.new_code(store, 5)
        assert (await send(client, "/cloud/pair", first.pair_body(code))).is_success
        again = await send(client, "/cloud/pair", second.pair_body(code))
        assert again.status_code == 403 and "already used" in again.json()["error"]["message"]
        expired, _ = receiver.new_code(store, 0)
        late = await send(client, "/cloud/pair", second.pair_body(expired))
        assert late.status_code == 403 and "expired" in late.json()["error"]["message"]
        unknown = await send(client, "/cloud/pair", second.pair_body("NOPE-NOPE"))
        assert unknown.status_code == 403 and "unknown" in unknown.json()["error"]["message"]
        body, headers = second.pair_body(code)
        stolen = await send(client, "/cloud/pair", (body, {**headers, "X-Box-Signature": first.sign(body)}))
        assert stolen.status_code == 401
        refused = await send(client, "/cloud/batches", second.batch())
        assert refused.status_code == 403 and held(store, second) == []


async def test_a_revoked_box_is_refused_until_it_is_paired_again(tmp_path, backend):
    box = FakeBox().filler(4)
    async with AsyncTestClient(app_for(tmp_path, backend)) as client:
        store = client.app.state["cloud_store"]
        pair_directly(store, box)
        assert (await send(client, "/cloud/batches", box.batch(1, 2))).is_success
        assert receiver.revoke(store, box.box) is None
        assert receiver.revoke(store, box.box) is not None  # revoked already: when, and nothing done
        with pytest.raises(NotFound):
            receiver.revoke(store, FakeBox().box)
        refused = await send(client, "/cloud/batches", box.batch(3, 4))
        assert refused.status_code == 403 and "revoked" in refused.json()["error"]["message"]
        assert len(held(store, box)) == 2 and (await client.get("/cloud/boxes")).json() == []
        pair_directly(store, box)
        assert (await send(client, "/cloud/batches", box.batch(3, 4))).is_success
        assert len(held(store, box)) == 4


def test_migrations_run_once_on_a_new_database_and_again_find_nothing_to_do(tmp_path, backend):
    for _ in range(2):
        store = open_cloud(tmp_path, backend, receiver.now_text())
        with store.transaction() as tx:
            assert [r[0] for r in tx.all("SELECT version FROM cloud_schema")] == list(range(1, len(MIGRATIONS) + 1))
            assert db.boxes(tx) == []
        store.close()


def test_an_sqlite_file_from_before_pairing_is_migrated_and_keeps_its_rows(tmp_path):
    old = sqlite3.connect(tmp_path / "cloud.sqlite3")
    old.execute(
        "CREATE TABLE cloud_log (box TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL, "
        "payload TEXT NOT NULL, at TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (box, seq))"
    )
    box = FakeBox().filler(3)
    old.executemany("INSERT INTO cloud_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [(box.box, *r) for r in box.rows])
    old.commit()
    old.close()
    store = open_cloud(tmp_path, "", receiver.now_text())
    try:
        assert len(held(store, box)) == 3
        body, headers = box.filler(1).batch(1, 4)
        with pytest.raises(receiver.Forbidden):  # trusted on first use before: it is paired now, or refused
            receiver.receive(store, body, headers["X-Box-Signature"])
        pair_directly(store, box)
        assert receiver.receive(store, body, headers["X-Box-Signature"]) == 4
    finally:
        store.close()


async def test_a_database_that_cannot_be_reached_answers_503_not_500(tmp_path, pg_url, postgres):
    import psycopg

    box = FakeBox().filler(2)
    name = pg_url.split("/")[3].split("?")[0]
    async with AsyncTestClient(app_for(tmp_path, pg_url)) as client:
        pair_directly(client.app.state["cloud_store"], box)
        with psycopg.connect(postgres.admin_url(), autocommit=True) as admin:
            admin.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        answer = await send(client, "/cloud/batches", box.batch())
    assert answer.status_code == 503 and "cannot be reached" in answer.json()["error"]["message"]
