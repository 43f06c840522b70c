"""`floorcraft verify | head`: a reader that goes away early gets no traceback on the terminal, just the end."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_a_reader_that_has_gone_gets_no_traceback(tmp_path):
    env = {**os.environ, "FLOORCRAFT_DATA_DIR": str(tmp_path)}
    made = subprocess.run([sys.executable, "-m", "appliance", "demo"], cwd=ROOT, env=env, capture_output=True)
    assert made.returncode == 0, made.stderr
    proc = subprocess.Popen(
        [sys.executable, "-m", "appliance", "verify"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before a line is written
    with proc.stderr:
        errors = proc.stderr.read().decode()
    assert proc.wait(60) == 1
    assert "Traceback" not in errors and "Exception ignored" not in errors, errors
