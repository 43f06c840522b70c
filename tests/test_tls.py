"""Issue #12 point 1, TLS: with FLOORCRAFT_TLS_CERT and FLOORCRAFT_TLS_KEY (an organiser's certificate the tablets
trust) `floorcraft serve` speaks https only, its URLs, QR codes and mDNS say https and it sends HSTS; a certificate
it cannot use is one line in plain words, exit status 2, before anything is announced or written."""

from __future__ import annotations

import re
import subprocess
import sys

import httpx
import pytest

from appliance.box.discovery import service_infos
from appliance.settings import SettingsError, load_settings
from appliance.trust import tls
from appliance.trust.browser import security_headers
from tests.conftest import ROOT
from tests.server import Server
from tests.tls import self_signed, tls_env, write_key


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    running = Server(folder, env=tls_env(folder)).start()
    yield running
    running.kill()


@pytest.mark.parametrize("given", ["CERT", "KEY"])
def test_the_certificate_and_its_key_come_together(given):
    with pytest.raises(SettingsError, match=f"FLOORCRAFT_TLS_{given} is set but") as refused:
        load_settings({f"FLOORCRAFT_TLS_{given}": "/etc/floorcraft/box.pem"})
    assert "set both" in str(refused.value)


def test_an_http_public_url_is_refused_with_tls():
    tls_on = {"FLOORCRAFT_TLS_CERT": "c.pem", "FLOORCRAFT_TLS_KEY": "k.pem"}
    with pytest.raises(SettingsError, match="FLOORCRAFT_PUBLIC_URL says http:// but"):
        load_settings({**tls_on, "FLOORCRAFT_PUBLIC_URL": "http://192.168.1.2:8000"})
    assert load_settings({**tls_on, "FLOORCRAFT_PUBLIC_URL": "https://192.168.1.2/"}).base_url == "https://192.168.1.2"


def test_urls_mdns_and_hsts_say_https_only_with_tls():
    plain = load_settings({})
    secure = load_settings({"FLOORCRAFT_TLS_CERT": "c.pem", "FLOORCRAFT_TLS_KEY": "k.pem", "FLOORCRAFT_PORT": "8443"})
    assert plain.base_url == "http://127.0.0.1:8000" and secure.base_url == "https://127.0.0.1:8443"
    assert service_infos(plain, "Open", "ab12", ["127.0.0.1"])[0].properties[b"scheme"] == b"http"
    assert service_infos(secure, "Open", "ab12", ["127.0.0.1"])[0].properties[b"scheme"] == b"https"
    assert b"strict-transport-security" not in dict(security_headers(ROOT / "web"))
    assert dict(security_headers(ROOT / "web", tls=True))[b"strict-transport-security"] == b"max-age=31536000"
    assert tls.uvicorn_options(plain) == {}
    assert tls.uvicorn_options(secure) == {"ssl_certfile": "c.pem", "ssl_keyfile": "k.pem"}


def _broken(folder, case: str) -> tuple[str, str]:
    cert, key = self_signed(folder)
    if case == "missing":
        return str(folder / "nowhere.crt"), str(key)
    if case == "not a certificate":
        return str(key), str(key)
    if case == "not a key":
        return str(cert), str(cert)
    if case == "encrypted":
        from cryptography.hazmat.primitives import serialization

        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
        return str(cert), str(write_key(folder / "locked.key", private, b"organiser"))  # type: ignore[arg-type]
    _, other = self_signed(folder, "another")
    return str(cert), str(other)


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("missing", "cannot read FLOORCRAFT_TLS_CERT"),
        ("not a certificate", "is not a PEM certificate"),
        ("not a key", "is not a PEM private key"),
        ("encrypted", "is encrypted"),
        ("mismatched", "is not the private key of the certificate"),
    ],
)
def test_a_certificate_serve_cannot_use_is_one_line_exit_2_before_anything_is_announced(tmp_path, case, words):
    cert, key = _broken(tmp_path, case)
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "serve", "--demo"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={
            "PATH": "/usr/bin:/bin",
            "FLOORCRAFT_DATA_DIR": str(tmp_path),
            "FLOORCRAFT_PORT": "1",  # never reached: the certificate is checked before the port is bound
            "FLOORCRAFT_MDNS": "false",
            "FLOORCRAFT_TLS_CERT": cert,
            "FLOORCRAFT_TLS_KEY": key,
        },
    )
    errors = run.stderr.decode().strip().splitlines()
    assert run.returncode == 2 and len(errors) == 1, run.stderr
    assert words in errors[0] and errors[0].startswith("floorcraft: "), errors
    assert run.stdout == b""  # no URL, no QR code: nothing announced
    assert not (tmp_path / "floorcraft.sqlite3").exists()


def test_serve_answers_https_with_the_certificate_and_hsts(box):
    answer = httpx.get(f"{box.base}/api/health", verify=box.verify, timeout=10)
    assert answer.status_code == 200 and box.base.startswith("https://")
    assert answer.headers["strict-transport-security"] == "max-age=31536000"
    assert "worker-src 'self'" in answer.headers["content-security-policy"]
    worker = httpx.get(f"{box.base}/judge/sw.js", verify=box.verify, timeout=10)
    assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]


def test_plain_http_is_not_served_on_the_tls_port(box):
    try:
        answer = httpx.get(f"http://127.0.0.1:{box.port}/api/health", timeout=10)
    except httpx.TransportError:
        return  # refused: no TLS handshake, no answer
    assert answer.status_code != 200


def test_the_terminal_and_the_qr_code_give_https_urls(box):
    log = box.log_path.read_text()
    assert f"on https://127.0.0.1:{box.port}" in log and f"https://127.0.0.1:{box.port}/desk/" in log
    assert re.search(rf"https://127\.0\.0\.1:{box.port}/join#\S+", log)
    assert f"http://127.0.0.1:{box.port}" not in log


def test_the_live_stream_and_the_box_own_client_work_over_tls(box):
    settings = load_settings({"FLOORCRAFT_TLS_CERT": box.env["FLOORCRAFT_TLS_CERT"], "FLOORCRAFT_TLS_KEY": "k"})
    with httpx.Client(base_url=box.base, verify=tls.loopback_client(settings), timeout=10) as http:
        assert http.get("/api/health").status_code == 200  # the simulated judges' client trusts the box's own
        with http.stream("GET", "/api/live") as live:  # served here, not handed (still encrypted) to a worker
            assert live.status_code == 200
            first = b""
            for chunk in live.iter_raw():
                first += chunk
                if b"\n\n" in first:
                    break
    assert first.startswith((b"retry:", b"id:", b"event:", b":")), first[:100]
