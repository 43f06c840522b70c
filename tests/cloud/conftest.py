"""The cloud's fixtures: one PostgreSQL server for the session (tests/cloud/postgres.py), a fresh database per test,
and the receiver's store on either backend."""

from __future__ import annotations

import pytest

from appliance.cloud.receiver import now_text
from appliance.db.cloud_backend import open_cloud
from tests.cloud.postgres import Cluster


@pytest.fixture(scope="session")
def postgres():
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(postgres) -> str:
    return postgres.new_database()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request, tmp_path) -> str:
    """An empty URL (SQLite in tmp_path) or a fresh PostgreSQL database's URL: the tests that take it run on both."""
    return request.getfixturevalue("pg_url") if request.param == "postgres" else ""


@pytest.fixture
def store(backend, tmp_path):
    opened = open_cloud(tmp_path, backend, now_text(), 4)
    try:
        yield opened
    finally:
        opened.close()
