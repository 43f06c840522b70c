"""Every published worked example of tests/data/skating/public.json, through the library and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from appliance.cli import calculator
from tests.conftest import ROOT, public_cases

CASES = public_cases()


def _expected_part(output: dict, expected: dict) -> dict:
    return {key: output[key] for key in expected}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_published_case_through_the_library(case):
    sheet = calculator.parse_sheet(json.dumps(case["input"]).encode())
    output = calculator.to_json(calculator.compute(sheet))
    assert _expected_part(output, case["expected"]) == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_published_case_through_the_cli_json(case):
    run = subprocess.run(
        [sys.executable, "-m", "appliance", "skate", "--json", "-"],
        input=json.dumps(case["input"]).encode(),
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode()
    output = json.loads(run.stdout)
    assert output["type"] == case["input"]["type"]
    assert _expected_part(output, case["expected"]) == case["expected"]


def test_every_published_case_is_collected():
    assert len(CASES) >= 19
    assert len({c["id"] for c in CASES}) == len(CASES)
