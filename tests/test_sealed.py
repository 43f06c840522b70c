"""The sealed backup format (appliance/trust/sealed.py): round trip, and a wrong passphrase, a cut or an altered byte
anywhere is refused with nothing left behind."""

from __future__ import annotations

import os

import pytest

from appliance.trust import sealed

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def sealed_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sealed, "CHUNK", 1024)  # several chunks from a small file
    plain = os.urandom(5000)
    (tmp_path / "plain").write_bytes(plain)
    sealed.seal_file(tmp_path / "plain", tmp_path / "sealed", PASSPHRASE)
    return plain, tmp_path / "sealed"


def test_a_sealed_file_opens_with_its_passphrase_only(sealed_file, tmp_path):
    plain, path = sealed_file
    data = path.read_bytes()
    assert data.startswith(b"FCBACKUP") and plain[:64] not in data and sealed.is_sealed(path)
    sealed.unseal_file(path, tmp_path / "out", PASSPHRASE)
    assert (tmp_path / "out").read_bytes() == plain
    with pytest.raises(sealed.WrongPassphrase):
        sealed.unseal_file(path, tmp_path / "wrong", "another long passphrase")
    assert not (tmp_path / "wrong").exists()


@pytest.mark.parametrize("damage", ["cut", "flip-last-chunk", "header", "drop-chunk"])
def test_a_damaged_sealed_file_is_refused_and_leaves_nothing(sealed_file, tmp_path, damage):
    _, path = sealed_file
    data = bytearray(path.read_bytes())
    size = sealed.HEADER.size
    if damage == "cut":
        data = data[: size + 2 * (1024 + 16)]  # whole chunks, but the last one is missing
    elif damage == "flip-last-chunk":
        data[-5] ^= 1
    elif damage == "header":
        data[9] = 16  # another scrypt cost: the header is authenticated with every chunk
    else:
        del data[size + 1040 : size + 2 * 1040]
    path.write_bytes(bytes(data))
    with pytest.raises(sealed.SealError):
        sealed.unseal_file(path, tmp_path / "out", PASSPHRASE)
    assert not (tmp_path / "out").exists()


def test_a_short_passphrase_is_refused():
    with pytest.raises(sealed.SealError, match="at least 10 characters"):
        sealed.check_passphrase("short\n")
