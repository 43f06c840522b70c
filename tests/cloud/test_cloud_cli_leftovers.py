"""Probe leftovers (brief H10 point 4) in the cloud's commands: `floorcraft cloud revoke BOX` run a second time says
the box is revoked already (nothing to do: exit 0, as the revocation stands), not "no paired box"; a box never
paired is still bad input (exit 2); `floorcraft pair` pointed at a box's own URL (not the cloud's) says so in
plain words (exit 2, one line), not "HTTP 405"."""

from __future__ import annotations

from appliance.cloud.cli import _store
from appliance.settings import Settings
from tests.cloud.boxes import FakeBox, pair_directly
from tests.cloud.test_cloud_cli import floorcraft, one_line_exit_2  # noqa: F401 - the fixture
from tests.server import Server


def test_revoking_a_box_twice_says_it_is_revoked_already(tmp_path, floorcraft):
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path)}
    store = _store(Settings(data_dir=str(tmp_path)))
    box = FakeBox()
    try:
        pair_directly(store, box)
    finally:
        store.close()
    status, said, _ = floorcraft("cloud", "revoke", "--", box.box, env=env)
    assert status == 0 and said.startswith(f"revoked {box.box}")
    status, said, err = floorcraft("cloud", "revoke", "--", box.box, env=env)
    assert (status, err) == (0, "")
    assert said.startswith(f"{box.box} is revoked already (since 20") and "nothing to do" in said
    one_line_exit_2(floorcraft("cloud", "revoke", "--", FakeBox().box, env=env), "no paired box")


def test_pairing_with_a_box_instead_of_the_cloud_says_it_is_a_box(tmp_path, floorcraft):
    other = tmp_path / "other"
    other.mkdir()
    server = Server(other, demo=False).start()
    try:
        box_dir = tmp_path / "box"
        box_dir.mkdir()
        env = {"FLOORCRAFT_DATA_DIR": str(box_dir), "FLOORCRAFT_CLOUD_URL": server.base + "/"}
        done = floorcraft("pair", "ABCDE-FGHJK", env=env)
        one_line_exit_2(done, f"{server.base} is a Floorcraft box, not a cloud", "FLOORCRAFT_CLOUD_URL")
        assert "405" not in done[2] and not (box_dir / "cloud-pairing.json").exists()
    finally:
        server.terminate()
