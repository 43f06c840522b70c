"""`floorcraft skate` as a scrutineer uses it: a report, --json, standard input, and exit status 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

FINAL = {
    "type": "final",
    "judges": ["A", "B", "C", "D", "E"],
    "dances": ["W", "T"],
    "marks": {
        "W": {"11": [1, 1, 2, 1, 3], "12": [2, 3, 1, 2, 1], "13": [3, 2, 3, 3, 2]},
        "T": {"11": [2, 1, 1, 1, 1], "12": [1, 3, 2, 3, 2], "13": [3, 2, 3, 2, 3]},
    },
}


def skate(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "appliance", "skate", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=60
    )


def test_json_output_matches_the_documented_example():
    run = skate("--json", "-", stdin=json.dumps(FINAL).encode())
    assert run.returncode == 0
    out = json.loads(run.stdout)
    assert out["result"] == {"11": 1, "12": 2, "13": 3}
    assert out["dances"] == {"W": {"11": 1, "12": 2, "13": 3}, "T": {"11": 1, "12": 2, "13": 3}}
    assert out["decided_by"] == {"11": "Rule 9", "12": "Rule 9", "13": "Rule 9"}


def test_report_for_a_person_from_a_file(tmp_path):
    sheet = tmp_path / "final.json"
    sheet.write_text(json.dumps(FINAL))
    run = skate(str(sheet))
    assert run.returncode == 0
    text = run.stdout.decode()
    assert "Dance W: 5 judges, majority 3" in text and "1-2" in text
    assert "couple 11: 1st: Rule 9, a total of 2 dance places against 4 for couple 12" in text


def test_recall_warnings_go_to_stderr_and_json():
    sheet = {
        "type": "recall",
        "judges": ["A", "B", "C"],
        "dances": ["W", "T"],
        "couples": [10, 11, 12, 13, 14],
        "recall": 4,
        "marks": {
            "W": {"A": [10, 11, 12], "B": [10, 12, 13], "C": [11, 12, 14]},
            "T": {"A": [10, 11, 12], "B": [10, 12, 14], "C": [10, 12, 13]},
        },
    }
    run = skate("--json", "-", stdin=json.dumps(sheet).encode())
    assert run.returncode == 0
    out = json.loads(run.stdout)
    assert out["tie_at_cut"] is True and out["recalled"] is None
    assert out["cut_options"] == [[10, 11, 12], [10, 11, 12, 13, 14]]
    assert len(out["warnings"]) == 6
    assert b"warning: judge A crossed 3 couples in dance W, not 4" in run.stderr


def _broken(change) -> bytes:
    sheet = json.loads(json.dumps(FINAL))
    change(sheet)
    return json.dumps(sheet).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _broken(lambda s: s["marks"]["W"].__setitem__("13", [3, 2, 3, 3, 1])),
            "judge E placed couple 13 and couple 12 both 1 in dance W",
        ),
        (_broken(lambda s: s["marks"]["T"]["12"].__setitem__(0, 9)), "judge A gave couple 12 place 9 in dance T"),
        (_broken(lambda s: s["marks"]["T"].pop("13")), "couple 13 has no marks in dance T"),
        (_broken(lambda s: s["marks"].pop("T")), "dance T has no marks"),
        (_broken(lambda s: s.__setitem__("type", "semi")), "invalid sheet"),
        (_broken(lambda s: s["marks"]["W"]["11"].__setitem__(1, "x")), "judge B gave couple 11 place 'x' in dance W"),
        (b"{not json", "not valid JSON"),
        (json.dumps(FINAL).replace("[1, 1, 2, 1, 3]", "[" * 5000 + "]" * 5000).encode(), "nested too deeply"),
    ],
)
def test_input_that_cannot_be_computed_exits_2_with_one_line_naming_the_fault(data, message):
    run = skate("--json", "-", stdin=data)
    assert run.returncode == 2
    assert run.stdout == b""
    lines = run.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_missing_file_exits_2():
    run = skate("/nonexistent/sheet.json")
    assert run.returncode == 2 and b"cannot read" in run.stderr
