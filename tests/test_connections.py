"""The connection caps derived from the open-file limit, and warnings that cannot flood the log (pure parts of
appliance/connections.py; the server's behaviour under load is in tests/reliability/test_starvation.py)."""

from __future__ import annotations

import logging

import pytest

from appliance.connections import Warnings, limits_for
from appliance.settings import Settings, SettingsError, load_settings


def test_the_caps_keep_a_reserve_of_descriptors_and_connections_for_the_officials():
    at_1024 = limits_for(Settings(), 1024)
    assert (at_1024.fd_limit, at_1024.max_connections, at_1024.max_viewers) == (1024, 924, 693)
    at_65536 = limits_for(Settings(), 65536)
    assert at_65536.max_connections == 65436 and at_65536.max_viewers == 4000
    assert limits_for(Settings(max_connections=5000), 1024).max_connections == 924  # never above the limit
    assert limits_for(Settings(max_connections=300, live_max_viewers=10), 1024).max_viewers == 10
    assert limits_for(Settings(), 50).max_connections == 16 and limits_for(Settings(), 50).max_viewers == 1


def test_the_settings_are_read_and_bounded():
    settings = load_settings({"FLOORCRAFT_LIVE_MAX_VIEWERS": "250", "FLOORCRAFT_HEADER_TIMEOUT": "3"})
    assert settings.live_max_viewers == 250 and settings.header_timeout == 3
    with pytest.raises(SettingsError, match="LIVE_MAX_VIEWERS"):
        load_settings({"FLOORCRAFT_LIVE_MAX_VIEWERS": "-1"})


def test_a_warning_is_logged_at_most_once_per_interval_with_the_count_held_back(caplog):
    now = [0.0]
    warnings = Warnings(every=30, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="appliance.connections"):
        for _ in range(1000):
            warnings.warn("shed", "connection cap reached")
        now[0] = 31
        warnings.warn("shed", "connection cap reached")
        warnings.warn("timeout", "a connection timed out")
    assert [r.getMessage() for r in caplog.records] == [
        "connection cap reached",
        "connection cap reached (999 more since the last warning)",
        "a connection timed out",
    ]
