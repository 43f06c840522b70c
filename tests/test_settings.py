"""Settings from FLOORCRAFT_* variables: parsed once, typos refused, every one documented."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from appliance.settings import FIELDS, Settings, SettingsError, load_settings
from tests.conftest import ROOT


def test_defaults_keep_the_box_on_loopback():
    settings = load_settings({})
    assert settings == Settings()
    assert settings.host == "127.0.0.1" and settings.port == 8000 and settings.mdns_interfaces == ("127.0.0.1",)


def test_variables_are_parsed_into_their_types():
    settings = load_settings(
        {
            "FLOORCRAFT_PORT": "8080",
            "FLOORCRAFT_MDNS": "false",
            "FLOORCRAFT_DATA_DIR": "/srv/fc",
            "FLOORCRAFT_MDNS_INTERFACES": "127.0.0.1, 10.0.0.1",
            "PATH": "/bin",
        }
    )
    assert settings.port == 8080 and settings.mdns is False and settings.data_dir == "/srv/fc"
    assert settings.mdns_interfaces == ("127.0.0.1", "10.0.0.1")
    with pytest.raises(AttributeError):
        settings.port = 1  # frozen


def test_an_unknown_variable_stops_start_up_naming_it():
    with pytest.raises(SettingsError, match="unknown setting FLOORCRAFT_PROT"):
        load_settings({"FLOORCRAFT_PROT": "8000"})


def test_a_bad_value_names_the_variable():
    with pytest.raises(SettingsError, match="FLOORCRAFT_PORT"):
        load_settings({"FLOORCRAFT_PORT": "eighty"})


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`(FLOORCRAFT_[A-Z_]+)`", readme))
    assert {f"FLOORCRAFT_{f.upper()}" for f in FIELDS} <= documented


def test_the_cli_refuses_a_typo_with_exit_status_2(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "verify"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={"FLOORCRAFT_DATA_DIRR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2 and b"unknown setting FLOORCRAFT_DATA_DIRR" in run.stderr


def test_the_static_pages_come_from_the_checkout_or_from_floorcraft_web_dir(tmp_path):
    assert (load_settings({}).web_path / "judge" / "index.html").exists()
    assert load_settings({"FLOORCRAFT_WEB_DIR": str(tmp_path)}).web_path == tmp_path


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("FLOORCRAFT_PORT", "99999", "must be at most 65535"),
        ("FLOORCRAFT_PORT", "eighty", "must be a whole number, not text"),
        ("FLOORCRAFT_BODY_TIMEOUT", "1e309", "is too large a number"),
        ("FLOORCRAFT_LOG_LEVEL", "loud", "not one of the choices (debug, info, warning, error)"),
        ("FLOORCRAFT_PUBLIC_URL", "javascript:alert(1)", "must be an http:// or https:// URL"),
        ("FLOORCRAFT_CLOUD_URL", "file:///etc/passwd", "must be an http:// or https:// URL"),
    ],
)
def test_a_bad_value_is_refused_in_plain_words(variable, value, words):
    """Not "Expected `int` <= 65535 - at `$.port`"; a log level logging does not know, or a URL that is not
    http(s), was taken (`serve` then died with a traceback, exit status 1)."""
    with pytest.raises(SettingsError) as refused:
        load_settings({variable: value})
    assert str(refused.value).startswith(f"bad value for {variable}: "), refused.value
    assert words in str(refused.value) and "`" not in str(refused.value), refused.value


def test_serve_refuses_an_unknown_log_level_with_exit_status_2(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "serve"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={"FLOORCRAFT_DATA_DIR": str(tmp_path), "FLOORCRAFT_LOG_LEVEL": "loud", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 2 and run.stderr.decode().count("\n") == 1, run.stderr
    assert b"FLOORCRAFT_LOG_LEVEL" in run.stderr
