"""The marks report's final layout from the public Rule 10 and Rule 11 examples (tests/data/skating): the Rule 10
and Rule 11 tables and the reason of every place are printed, names escaped, with "page x of y"."""

from __future__ import annotations

import subprocess

import pytest

from appliance.printing import marks, pdf
from tests.conftest import public_cases

STATUS = {
    "state": "official",
    "official": True,
    "checksum": "0123abcd",
    "recalled": None,
    "tie_at_cut": False,
    "cut_options": [],
}
PAGE = {
    "doc": "marks",
    "title": "Marks",
    "competition": "Rules <Open>",
    "venue": "Hall",
    "dates": "5 December 2026",
    "event": "Example & Final",
    "floor": "Main",
    "dances": ["Waltz"],
    "checksum": "log #1 abc · box key none yet",
    "printed_at": "2026-12-05 20:00 UTC",
}


def text_of(body: bytes, tmp_path) -> str:
    (tmp_path / "doc.pdf").write_bytes(body)
    run = subprocess.run(["pdftotext", "-layout", str(tmp_path / "doc.pdf"), "-"], capture_output=True, text=True)
    return " ".join(run.stdout.split())


@pytest.mark.parametrize(
    ("case", "rule"), [("railskating_rule10_part1", "Rule 10"), ("railskating_rule11_first_example", "Rule 11")]
)
def test_a_final_prints_its_rule_10_and_11_tables_and_every_reason(case, rule, tmp_path):
    sheet = next(c for c in public_cases() if c["id"] == case)["input"]
    tables = marks.round_tables("Final", sheet, STATUS, {j: f"Judge {j}" for j in sheet["judges"]}, str)
    assert tables[rule.lower().replace(" ", "")], f"the example has no {rule} step"
    text = text_of(pdf.render({**PAGE, "rounds": [tables]}), tmp_path)
    assert f"{rule} for" in text
    assert "page 1 of " in text and "Rules <Open>" in text and "Example & Final" in text  # escaped, printed as typed
    for r in tables["reasons"]:
        assert " ".join(r["reason"].split()) in text
        assert f"{r['place']} {r['bib']} " in text
    expected = next(c for c in public_cases() if c["id"] == case)["expected"]["result"]
    for bib, place in expected.items():
        assert any(r["bib"] == bib and r["place"] == place for r in tables["reasons"]), (bib, place)
