"""A test suite a stranger can run (issue #9, point 11): it reads its data from the repository and writes no
tracked file."""

from __future__ import annotations

import json
import re

from tests.browser import shots
from tests.conftest import DATA, ROOT, public_cases

OUTSIDE = re.compile("|".join([r"\.\./" + "shared", "/work/" + "shared", r"parent\s*/\s*[\"']" + "shared"]))


def test_no_test_reads_the_shared_folder_beside_the_clone():
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("tests", "bench", "appliance")
        for p in (ROOT / folder).rglob("*.py")
        if OUTSIDE.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_published_cases_are_in_the_repository_with_their_sources():
    assert DATA.is_relative_to(ROOT) and (DATA / "README.md").is_file()
    cases = public_cases()
    assert len(cases) >= 19 and all(c["source"] for c in cases)
    assert cases == json.loads((ROOT / "tests" / "data" / "skating" / "public.json").read_text())


def test_screenshots_go_to_a_temporary_folder_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv(shots.ENV, raising=False)
    saved = list(shots._folder)
    try:
        assert shots.use(tmp_path / "shots") == tmp_path / "shots"
        assert shots.shot("x.png") == str(tmp_path / "shots" / "x.png")
        monkeypatch.setenv(shots.ENV, str(tmp_path / "asked"))
        assert shots.use(tmp_path / "unused") == tmp_path / "asked"  # ./dev screenshots: docs/screenshots
    finally:
        shots._folder[:] = saved
    pages = [p for p in (ROOT / "tests" / "browser").glob("test_*.py") if "docs" in p.read_text(encoding="utf-8")]
    assert pages == []  # no browser test names docs/ itself
