"""`floorcraft cloud` logs and serves as `floorcraft serve` does (brief S14 point 3): every log line in the project's
format (`startup.FORMAT`), uvicorn's too, no line per request at `info` (the access log only at `debug`); with
FLOORCRAFT_TLS_CERT and FLOORCRAFT_TLS_KEY it serves https (HSTS) and never plain http; a certificate it cannot use
or a port in use is one line and exit 2 before the database is opened. (SQLite: none of this needs PostgreSQL.)"""

from __future__ import annotations

import re
import socket

import httpx
import pytest

from tests.cloud.boxes import CloudProcess, floorcraft
from tests.tls import tls_env

OUR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: ")


def _run_and_stop(cloud: CloudProcess, *paths: str) -> list[str]:
    """Start the receiver, GET each path, stop it gracefully: its log lines (stderr)."""
    cloud.start()
    try:
        for path in paths:
            assert httpx.get(f"{cloud.base}{path}", verify=cloud.verify, timeout=10).status_code == 200
    finally:
        assert cloud.proc is not None
        cloud.proc.terminate()
        log = cloud.proc.communicate(timeout=30)[1].decode()
        cloud.stop()
    return log.splitlines()


def test_the_cloud_logs_in_the_projects_format_and_no_line_per_request_at_info(tmp_path):
    lines = _run_and_stop(CloudProcess({"FLOORCRAFT_DATA_DIR": str(tmp_path)}), "/cloud/boxes", "/cloud/boxes")
    assert lines and all(OUR_LINE.match(line) for line in lines), lines  # not uvicorn's "INFO:     Started ..."
    assert any("INFO uvicorn.error: Started server process" in line for line in lines), lines
    assert not any("GET /cloud/boxes" in line for line in lines), lines


def test_the_cloud_serves_https_with_the_certificate_and_logs_requests_at_debug(tmp_path):
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path), "FLOORCRAFT_LOG_LEVEL": "debug", **tls_env(tmp_path)}
    cloud = CloudProcess(env)
    assert cloud.base.startswith("https://")
    cloud.start()
    try:
        answer = httpx.get(f"{cloud.base}/cloud/api/competitions", verify=cloud.verify, timeout=10)
        assert answer.status_code == 200 and answer.headers["strict-transport-security"] == "max-age=31536000"
        with pytest.raises(httpx.TransportError):  # no plain http on the TLS port
            httpx.get(f"http://127.0.0.1:{cloud.port}/cloud/boxes", timeout=10)
    finally:
        lines = _run_and_stop(cloud, "/cloud/boxes")
    access = [line for line in lines if "GET /cloud/boxes" in line]
    assert access and all(OUR_LINE.match(line) for line in access), lines


@pytest.mark.parametrize("case", ["certificate", "port"])
def test_an_unusable_certificate_or_port_is_one_line_and_exit_2_before_the_database(tmp_path, case):
    env = {"FLOORCRAFT_DATA_DIR": str(tmp_path / "cloud")}
    taken = socket.socket()
    try:
        if case == "certificate":
            env |= {"FLOORCRAFT_TLS_CERT": str(tmp_path / "nowhere.crt"), "FLOORCRAFT_TLS_KEY": str(tmp_path / "k")}
            words = "cannot read FLOORCRAFT_TLS_CERT"
        else:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            env["FLOORCRAFT_PORT"] = str(taken.getsockname()[1])
            words = "FLOORCRAFT_PORT"
        done = floorcraft("cloud", env=env)
    finally:
        taken.close()
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and words in lines[0], done.stderr
    assert done.stdout == "" and not (tmp_path / "cloud").exists()  # nothing announced, no database made
