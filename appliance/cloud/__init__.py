"""The cloud side for many venues: the receiver of the boxes' change logs (SQLite or PostgreSQL), pairing, the
published results for the world and the federation upload of boxes that were offline."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_cloud_app":  # imported on use: the CLI's other commands need none of the web app
        from appliance.cloud.app import create_cloud_app

        return create_cloud_app
    raise AttributeError(name)
