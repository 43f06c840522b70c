"""Validating an ESV document against the DTV's published JSON Schemas (draft-06), offline.

The schemas are shipped in `schemas/esv/v1/` (Apache-2.0, see SOURCE.md there). The wrappers
(`ergebnis-level2.json`) hold only `$ref` beside `$id`, and draft-06 ignores keywords beside `$ref`, so every
file is registered under its own `$id` and the document is checked against `{"$ref": <wrapper $id>}`.
Nothing is fetched over the network: an unknown reference is an error, not a download.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

from appliance.errors import Invalid
from appliance.i18n import _, _n

if TYPE_CHECKING:
    from jsonschema import Draft6Validator

SCHEMAS = Path(__file__).with_name("schemas") / "esv" / "v1"
RESULTS = {1: "ergebnis-level1.json", 2: "ergebnis-level2.json"}


@functools.cache
def _validator(level: int) -> Draft6Validator:
    # jsonschema loads with the first document checked: importing it takes ~2 s (its format checkers' grammars)
    from jsonschema import Draft6Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT6

    registry: Registry = Registry()
    for path in sorted(SCHEMAS.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        registry = registry.with_resource(doc["$id"], Resource.from_contents(doc, default_specification=DRAFT6))
    wrapper = json.loads((SCHEMAS / RESULTS[level]).read_text(encoding="utf-8"))
    return Draft6Validator({"$ref": wrapper["$id"]}, registry=registry)


def _where(path) -> str:
    return "/".join(str(p) for p in path) or "the document"


def results_errors(document: object, level: int = 2) -> list[str]:
    """Every way the document breaks the ESV results schema of that level, one line each (empty: valid)."""
    errors = sorted(_validator(level).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{_where(e.absolute_path)}: {e.message}" for e in errors]


def check_results(document: object, level: int = 2) -> None:
    """Raise Invalid naming the first place where the document breaks the published schema."""
    errors = results_errors(document, level)
    if errors:
        more = _n(" (and {n} more)", " (and {n} more)", len(errors) - 1) if len(errors) > 1 else ""
        raise Invalid(
            _("the ESV document does not match the DTV's schema at {error}{more}", error=errors[0], more=more),
            "event_id",
        )
