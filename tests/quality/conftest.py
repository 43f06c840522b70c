"""Quality checks that passed with a caveat say so at the end of the run, where CI's log shows it."""

from __future__ import annotations

import pytest

NOTICES = pytest.StashKey[list[str]]()


@pytest.fixture
def notice(request):
    """notice(text): print `text` in the closing summary of the run (for a check that could not be done in full)."""
    notices = request.config.stash.setdefault(NOTICES, [])
    return notices.append


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for text in config.stash.get(NOTICES, []):
        terminalreporter.write_sep("!", "quality notice", yellow=True, bold=True)
        terminalreporter.write_line(text, yellow=True, bold=True)
