"""A fixture a module takes by name (not in conftest.py, where it would replace the function-scoped `browser`)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", name="browser")
def shared_browser(module_browser):
    """`browser = shared_browser` in a module: its tests use one Chromium (conftest.py's `module_browser`)."""
    return module_browser
