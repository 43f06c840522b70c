"""Issue 12 point 5 on the cloud: its API answers a box's sender in the language it asks for (its own gap answer
too), English to a program that names none; its commands speak the terminal's language. (SQLite: no PostgreSQL
needed to show the words.)"""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from appliance.__main__ import main
from appliance.cloud import create_cloud_app
from appliance.settings import Settings
from tests.cloud.boxes import FakeBox, pair_directly

GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


async def test_the_cloud_refuses_a_box_in_the_language_it_asks_for(tmp_path):
    box = FakeBox().filler(6)
    app = create_cloud_app(tmp_path, settings=Settings(data_dir=str(tmp_path)))
    async with AsyncTestClient(app) as client:
        body, headers = box.batch(1, 3)
        unpaired = await client.post("/cloud/batches", content=body, headers=headers | GERMAN)
        assert unpaired.status_code == 403
        assert unpaired.json()["error"]["message"].startswith("diese Box ist nicht mit dieser Cloud gekoppelt")
        pair_directly(client.app.state["cloud_store"], box)
        assert (await client.post("/cloud/batches", content=body, headers=headers)).status_code == 200
        gap_body, gap_headers = box.batch(5, 6)
        gap = await client.post("/cloud/batches", content=gap_body, headers=gap_headers | GERMAN)
        assert gap.status_code == 409 and gap.json()["error"]["expected_seq"] == 4
        assert gap.json()["error"]["message"] == "diese Sendung schließt nicht an: senden Sie ab seq 4"
        english = await client.post("/cloud/batches", content=gap_body, headers=gap_headers)
        assert english.json()["error"]["message"] == "this batch does not follow: send from seq 4"
        junk = await client.post("/cloud/pair", content=b"{", headers={"Cookie": "floorcraft.lang=de"})
        assert junk.status_code == 422 and junk.json()["error"]["message"] == "die Kopplungsanfrage ist kein JSON"


@pytest.fixture
def german_terminal(monkeypatch, capsys, tmp_path):
    """`floorcraft ARGS` in process under LANG=de_DE.UTF-8 on a SQLite cloud in tmp_path: (status, out, err)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.setenv("FLOORCRAFT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FLOORCRAFT_CLOUD_URL", raising=False)
    monkeypatch.delenv("FLOORCRAFT_CLOUD_DATABASE_URL", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_the_cloud_commands_speak_german_in_a_german_terminal(german_terminal):
    assert german_terminal("cloud", "boxes") == (
        0,
        "noch keine Box ist mit dieser Cloud gekoppelt (floorcraft cloud pair)\n",
        "",
    )
    status, _out, err = german_terminal("cloud", "revoke", "--", "A" * 43)
    assert status == 2 and err == f"floorcraft: cloud revoke: keine gekoppelte Box {'A' * 43}\n"
    status, _out, err = german_terminal("pair", "ABCDE-FGHJK")
    assert status == 2
    assert err == "floorcraft: pair: setzen Sie zuerst FLOORCRAFT_CLOUD_URL auf die Adresse der Cloud\n"
