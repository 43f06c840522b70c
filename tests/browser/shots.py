"""Where the browser tests write their screenshots: a pytest temporary folder, never a tracked file.

`./dev screenshots` (SCREENSHOTS_DIR=docs/screenshots) runs the browser tests to refresh the README's pictures.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import ROOT

ENV = "SCREENSHOTS_DIR"  # not FLOORCRAFT_*: those are the appliance's settings
_folder: list[Path] = []


def use(default: Path) -> Path:
    """Called once per session (tests/browser/conftest.py): SCREENSHOTS_DIR if set, else `default`."""
    chosen = os.environ.get(ENV)
    folder = (ROOT / chosen) if chosen else default
    folder.mkdir(parents=True, exist_ok=True)
    _folder[:] = [folder]
    return folder


def shot(name: str) -> str:
    """The path a screenshot called `name` is written to."""
    return str(_folder[0] / name)
