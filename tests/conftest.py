"""Shared fixtures: paths to the project and to the shared test data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if not SHARED.is_dir():  # CI lays shared/ beside the clone; a developer may point elsewhere
    SHARED = Path("/work/shared")


def public_cases() -> list[dict]:
    return json.loads((SHARED / "testdata" / "skating" / "public.json").read_text())


@pytest.fixture
def root() -> Path:
    return ROOT
