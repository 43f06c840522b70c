"""The checks a security-minded team runs in CI, one test per tool; a failure shows the tool's own findings.

The tools come from the [test] extra and read their settings from pyproject.toml. Nothing is written into the
checkout: caches are off or in tmp_path, the SBOM goes to tmp_path (`./dev sbom` writes one to build/).
"""

from __future__ import annotations

import json
import subprocess
import sys

from packaging.utils import canonicalize_name

from tests.quality import deps

# module run with `python -m` -> the distribution that provides it
TOOLS = {"ruff": "ruff", "mypy": "mypy", "bandit": "bandit", "pip_audit": "pip-audit", "cyclonedx_py": "cyclonedx-bom"}
TEST_ONLY = {"pytest", "hypothesis", "playwright", *(canonicalize_name(d) for d in TOOLS.values())}


def _run(module: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=deps.ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _says(done: subprocess.CompletedProcess[str]) -> str:
    text = (done.stdout + done.stderr).strip()
    return f"(exit {done.returncode})\n{text[-20000:]}"


def _check(done: subprocess.CompletedProcess[str], what: str) -> None:
    __tracebackhide__ = True  # a failure shows the tool's words, not this helper's arguments
    status = done.returncode
    assert status == 0, f"{what}:\n{_says(done)}"


def test_ruff_lint():
    done = _run("ruff", "check", "--no-cache", "--output-format", "concise", ".")
    _check(done, "ruff check (rules in pyproject.toml [tool.ruff.lint]) found")


def test_ruff_format():
    done = _run("ruff", "format", "--check", "--no-cache", ".")
    _check(done, "ruff format --check: run `.venv/bin/ruff format` on these files")


def test_mypy_on_the_package(tmp_path):
    done = _run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"))  # files = ["appliance"] in pyproject.toml
    _check(done, "mypy appliance/ found type errors")


def test_bandit_on_the_package():
    done = _run(
        "bandit",
        "-c",
        "pyproject.toml",
        "-r",
        "appliance",
        "-q",
        "-f",
        "custom",
        "--msg-template",
        "{relpath}:{line}: {test_id} [{severity}/{confidence}] {msg}",
    )
    _check(done, "bandit -r appliance found (fix it, or mark the line `# nosec BNNN` with the reason)")


def audit_verdict(found: list[dict], runtime: set[str]) -> tuple[list[str], list[str]]:
    """pip-audit's JSON dependencies -> (failures, notices). A known vulnerability fails; so does a runtime
    dependency left unaudited while the service knows other releases; a service that knows none is a notice."""
    failures = [
        f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v['fix_versions']) or 'no release'})"
        for d in found
        for v in d.get("vulns", [])
    ]
    skipped = {canonicalize_name(d["name"]): d["skip_reason"] for d in found if "skip_reason" in d}
    if skipped and len(skipped) == len(found):
        return failures, [
            f"pip-audit audited NONE of {len(found)} installed distributions: the vulnerability service knows "
            f"none of these releases ({next(iter(skipped.values()))}). No known vulnerability was found because "
            "none could be looked up; run `.venv/bin/pip-audit --strict --skip-editable` where pypi.org's "
            "per-release JSON API or osv.dev answers."
        ]
    failures += [
        f"{name} (a runtime dependency) was not audited: {skipped[name]}" for name in sorted(runtime & set(skipped))
    ]
    others = sorted(set(skipped) - runtime)
    return failures, [f"pip-audit could not audit these test-only distributions: {', '.join(others)}"] if others else []


def test_pip_audit_finds_no_known_vulnerability(notice):
    # Audits this environment: the runtime dependencies and the test tools. No answer from the service is a failure.
    done = _run("pip_audit", "--skip-editable", "--format", "json", "--progress-spinner", "off")
    try:  # exit 1 with a report: vulnerabilities; anything else: pip-audit could not do its work
        found = json.loads(done.stdout)["dependencies"]
    except (ValueError, KeyError):
        found = None
    assert found is not None, f"pip-audit gave no report (is pypi.org reachable?):\n{_says(done)}"
    failures, notices = audit_verdict(found, set(deps.runtime_closure()))
    assert not failures, "pip-audit:\n" + "\n".join(failures)
    _check(done, "pip-audit failed")
    for text in notices:
        notice(text)


def test_the_audit_verdict_fails_on_a_vulnerability_or_an_unaudited_runtime_dependency():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["2.0"], "aliases": [], "description": ""}
    ok, gone = {"name": "msgspec", "version": "1", "vulns": []}, {"name": "Litestar", "skip_reason": "not found"}
    failures, _ = audit_verdict([ok, {"name": "httpx", "version": "0.1", "vulns": [vuln]}], {"httpx"})
    assert failures == ["httpx 0.1: PYSEC-2099-1 (fixed in 2.0)"]
    failures, notices = audit_verdict([ok, gone, {"name": "ruff", "skip_reason": "x"}], {"litestar", "msgspec"})
    assert failures == ["litestar (a runtime dependency) was not audited: not found"] and "ruff" in notices[0]
    failures, notices = audit_verdict([gone, {"name": "ruff", "skip_reason": "x"}], {"litestar"})
    assert failures == [] and "audited NONE of 2" in notices[0]
    assert audit_verdict([ok], {"msgspec"}) == ([], [])


def test_sbom_lists_exactly_the_runtime_dependencies(tmp_path):
    out = tmp_path / "floorcraft.cdx.json"
    done = deps.write_sbom(out, tmp_path)
    _check(done, "cyclonedx-py environment failed")
    bom = json.loads(out.read_text())
    assert bom["bomFormat"] == "CycloneDX" and bom["specVersion"].startswith("1.")
    assert bom["metadata"]["component"]["name"] == "floorcraft"
    listed = {canonicalize_name(c["name"]): c["version"] for c in bom["components"]}
    assert listed == deps.runtime_closure()
    assert all(c["purl"].startswith(f"pkg:pypi/{canonicalize_name(c['name'])}@") for c in bom["components"])
    assert not TEST_ONLY & set(listed), f"test-only tools in the runtime SBOM: {TEST_ONLY & set(listed)}"
    assert {"litestar", "uvicorn", "msgspec", "cryptography", "httpx"} <= set(listed)
