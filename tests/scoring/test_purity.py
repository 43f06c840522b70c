"""The scoring core is pure: it imports only the standard library's pure parts, msgspec and itself."""

from __future__ import annotations

import ast
from pathlib import Path

import appliance.model
import appliance.scoring

ALLOWED = {
    "__future__",
    "collections",
    "dataclasses",
    "fractions",
    "functools",
    "itertools",
    "math",
    "operator",
    "typing",
    "msgspec",
    "appliance.scoring",
    "appliance.model",
    "enum",
    "re",
    "appliance.i18n",  # marking words (`_()` builds a str that remembers its msgid): the catalog is read elsewhere
}


def _imports(package) -> dict[str, set[str]]:
    found = {}
    for path in Path(package.__file__).parent.rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(node.module or "")
        found[path.name] = names
    return found


def _allowed(name: str) -> bool:
    return any(name == a or name.startswith(a + ".") for a in ALLOWED)


def test_scoring_imports_no_io_clock_or_asyncio():
    for module, names in _imports(appliance.scoring).items():
        bad = sorted(n for n in names if not _allowed(n))
        assert not bad, f"appliance/scoring/{module} imports {bad}"


def test_model_imports_only_data_types():
    # The model may name dates and times as types; it never reads the clock (no call of now/today/time()).
    for module, names in _imports(appliance.model).items():
        bad = sorted(n for n in names if not _allowed(n) and n not in ("datetime", "unicodedata"))  # NFC of names
        assert not bad, f"appliance/model/{module} imports {bad}"
        source = (Path(appliance.model.__file__).parent / module).read_text()
        assert ".now(" not in source and ".today(" not in source and "time.time" not in source


def test_the_purity_check_would_catch_an_impure_import():
    assert not _allowed("asyncio") and not _allowed("sqlite3") and not _allowed("time")
    assert not _allowed("appliance.db") and _allowed("collections.abc")
