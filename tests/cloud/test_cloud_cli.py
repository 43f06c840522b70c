"""Issue #14 point 2 through the commands: `floorcraft cloud pair` prints a one-time code and QR with its expiry,
`floorcraft pair CODE` on the box takes it, `floorcraft cloud boxes` lists it and `floorcraft cloud revoke` ends
it; every mistake is exit 2 with one line. (In-process `main()`, against a real receiver process.)"""

from __future__ import annotations

import os

import httpx
import pytest

from appliance.__main__ import main
from tests.cloud.boxes import CloudProcess


@pytest.fixture
def floorcraft(monkeypatch, capsys):
    """Run `floorcraft ARGS` with exactly these FLOORCRAFT_ settings: (exit status, stdout, stderr)."""

    def run(*args: str, env: dict) -> tuple[int, str, str]:
        for name in [n for n in os.environ if n.startswith("FLOORCRAFT_")]:
            monkeypatch.delenv(name)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def one_line_exit_2(done: tuple[int, str, str], *words: str) -> None:
    code, _, err = done
    assert code == 2 and err.count("\n") == 1 and err.startswith("floorcraft: "), (code, err)
    assert all(w in err for w in words), err


def test_pair_a_box_on_postgresql_list_it_and_revoke_it(tmp_path, pg_url, floorcraft):
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path / "cloud"), "FLOORCRAFT_CLOUD_DATABASE_URL": pg_url}
    status, made, _ = floorcraft("cloud", "pair", "--minutes", "5", env=env)
    assert status == 0 and "valid until" in made and "█" in made  # the QR, in the terminal
    cloud = CloudProcess(env).start()
    try:
        box_dir = tmp_path / "box"
        box_dir.mkdir()
        box_env = {"FLOORCRAFT_DATA_DIR": str(box_dir), "FLOORCRAFT_CLOUD_URL": cloud.base}
        code = made.split("floorcraft pair ")[1].split()[0]
        status, took, err = floorcraft("pair", code, env=box_env)
        assert status == 0 and (box_dir / "cloud-pairing.json").exists(), err
        box = took.split(" as ")[1].split()[0]
        assert [b["box"] for b in httpx.get(f"{cloud.base}/cloud/boxes").json()] == [box]
        status, listed, _ = floorcraft("cloud", "boxes", env=env)
        assert status == 0 and box in listed and "paired" in listed
        one_line_exit_2(floorcraft("pair", code, env=box_env), "already used")
        one_line_exit_2(floorcraft("pair", "WRONG-CODE", env=box_env), "unknown")
        # a box's key is base64url: one in 64 starts with "-", which only follows "--" on a command line
        assert floorcraft("cloud", "revoke", "--", box, env=env)[0] == 0
        assert httpx.get(f"{cloud.base}/cloud/boxes").json() == []
        again = floorcraft("cloud", "revoke", "--", box, env=env)  # nothing to do: the revocation stands
        assert again[0] == 0 and "revoked already" in again[1], again
        assert "revoked" in floorcraft("cloud", "boxes", env=env)[1]
    finally:
        cloud.stop()


def test_the_pairing_commands_refuse_bad_input_in_one_line(tmp_path, floorcraft):
    box_dir = tmp_path / "box"
    box_dir.mkdir()
    one_line_exit_2(floorcraft("pair", "ABCDE-FGHJK", env={"FLOORCRAFT_DATA_DIR": str(box_dir)}), "CLOUD_URL")
    unreachable = {"FLOORCRAFT_DATA_DIR": str(box_dir), "FLOORCRAFT_CLOUD_URL": "http://127.0.0.1:9"}
    one_line_exit_2(floorcraft("pair", "ABCDE-FGHJK", env=unreachable), "cannot reach the cloud")
    cloud_env = {"FLOORCRAFT_DATA_DIR": str(tmp_path / "cloud")}
    one_line_exit_2(floorcraft("cloud", "pair", "--minutes", "0", env=cloud_env), "out of range")
    mysql = {**cloud_env, "FLOORCRAFT_CLOUD_DATABASE_URL": "mysql://x/y"}
    one_line_exit_2(floorcraft("cloud", "pair", env=mysql), "FLOORCRAFT_CLOUD_DATABASE_URL")
    nowhere = f"postgresql://floorcraft:secret@/nothing?host={tmp_path}&connect_timeout=2"
    refused = floorcraft("cloud", "boxes", env={**cloud_env, "FLOORCRAFT_CLOUD_DATABASE_URL": nowhere})
    one_line_exit_2(refused, "cannot use the cloud database")
    assert "secret" not in refused[2]
