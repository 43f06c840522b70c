"""pyproject.toml declares exactly what the code uses: every import is declared, every declaration is imported."""

from __future__ import annotations

import importlib.metadata as md

from packaging.utils import canonicalize_name

from tests.quality import deps
from tests.quality.test_tools import TOOLS

# Test-extra packages used without an import statement: pytest plugins (pytest-asyncio: asyncio_mode = "auto").
PLUGINS = {"pytest-asyncio", "pytest-xdist"}  # pytest loads them; ./dev test runs the suite with -n (xdist)


def _listing(found: dict[str, set[str]]) -> str:
    return "; ".join(f"{name} (imported in {', '.join(sorted(files))})" for name, files in sorted(found.items()))


def _users(dists: dict[str, set[str]], modules: dict[str, set[str]], names: set[str]) -> dict[str, set[str]]:
    return {d: set().union(*(modules[m] for m in dists[d])) for d in names}


def test_every_runtime_import_is_a_declared_runtime_dependency():
    modules = deps.imported_modules("appliance")
    dists = deps.distributions_of(modules)
    missing = set(dists) - deps.declared()
    assert not missing, (
        "appliance/ imports what [project.dependencies] does not declare (an installed box would "
        f"lack it): {_listing(_users(dists, modules, missing))}"
    )


def test_every_declared_runtime_dependency_is_imported():
    used = set(deps.distributions_of(deps.imported_modules("appliance")))
    unused = deps.declared() - used
    assert not unused, f"[project.dependencies] declares what appliance/ never imports: {sorted(unused)}"


def test_every_test_import_is_declared():
    modules = deps.imported_modules("tests", "bench")
    dists = deps.distributions_of(modules)
    missing = set(dists) - deps.declared() - deps.declared("test")
    listing = _listing(_users(dists, modules, missing))
    assert not missing, f"tests/ or bench/ import what no dependency declares: {listing}"


def test_every_test_extra_is_used():
    imported = set(deps.distributions_of(deps.imported_modules("tests", "bench")))
    tools = {canonicalize_name(t) for t in TOOLS.values()}
    unused = deps.declared("test") - imported - tools - PLUGINS
    assert not unused, f"the [test] extra declares what no test imports or runs: {sorted(unused)}"
    lacking = tools - deps.declared("test")
    assert not lacking, f"tests/quality runs tools the [test] extra lacks: {sorted(lacking)}"
    for plugin in PLUGINS:
        assert any(e.group == "pytest11" for e in md.distribution(plugin).entry_points), f"{plugin} is no pytest plugin"


def test_the_import_scan_finds_every_kind_of_import(tmp_path, monkeypatch):
    # The scan must see plain, dotted and from-imports, imports inside functions, and uvicorn's by-name choices,
    # and leave the standard library, relative and first-party imports alone.
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text(
        "import json, aiosqlite\nimport qrcode.image.svg\nfrom . import b\nfrom appliance import x\n"
        "def f():\n    from msgspec import Struct\n    uvicorn.run(app, loop='uvloop', http='httptools')\n"
    )
    monkeypatch.setattr(deps, "ROOT", tmp_path)
    found = deps.imported_modules("pkg")
    assert set(found) == {"aiosqlite", "qrcode", "msgspec", "uvloop", "httptools"}
    assert found["aiosqlite"] == {"pkg/a.py"}
    assert set(deps.distributions_of({"msgspec": set(), "no_such_module": set()})) == {"msgspec", "?no-such-module"}
