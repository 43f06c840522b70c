"""What the code imports, what pyproject.toml declares, and the runtime dependencies' CycloneDX SBOM.

Used by tests/quality and by `./dev sbom` (`python -m tests.quality.deps sbom FILE`).
"""

from __future__ import annotations

import ast
import importlib.metadata as md
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"appliance", "tests", "bench"}
# uvicorn picks its event loop and HTTP parser by name (uvicorn.Config(loop="uvloop", http="httptools")):
# those keyword values name modules that are imported at run time without an import statement.
SELECTED_BY_NAME = {"loop": {"uvloop": "uvloop"}, "http": {"httptools": "httptools", "h11": "h11"}}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def declared(extra: str | None = None) -> set[str]:
    """The canonical names of the runtime dependencies, or of one optional extra's."""
    project = pyproject()["project"]
    reqs = project["dependencies"] if extra is None else project["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(r).name) for r in reqs}


def imported_modules(*folders: str) -> dict[str, set[str]]:
    """Top-level third-party module -> the files (relative to the root) that import it or select it by name."""
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            for name in _module_names(ast.parse(path.read_text(), filename=where)):
                top = name.split(".")[0]
                if top and top not in sys.stdlib_module_names and top not in FIRST_PARTY:
                    found.setdefault(top, set()).add(where)
    return found


def _module_names(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.keyword) and node.arg in SELECTED_BY_NAME and isinstance(node.value, ast.Constant):
            module = SELECTED_BY_NAME[node.arg].get(str(node.value.value))
            names += [module] if module else []
    return names


def distributions_of(modules: dict[str, set[str]]) -> dict[str, set[str]]:
    """Canonical distribution name -> the modules it provides, for each module (unknown ones under '?module')."""
    providers = md.packages_distributions()
    found: dict[str, set[str]] = {}
    for module in modules:
        for dist in providers.get(module, [f"?{module}"]):
            found.setdefault(canonicalize_name(dist), set()).add(module)
    return found


def runtime_closure() -> dict[str, str]:
    """Canonical name -> installed version of every distribution the runtime dependencies pull in (no test extra)."""
    env = default_environment()
    todo = [Requirement(r) for r in pyproject()["project"]["dependencies"]]
    found: dict[str, str] = {}
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in found:
            continue
        dist = md.distribution(name)
        found[name] = dist.version
        wanted = ["", *sorted(req.extras)]
        for text in dist.requires or []:
            sub = Requirement(text)
            if sub.marker is None or any(sub.marker.evaluate({**env, "extra": e}) for e in wanted):
                todo.append(sub)
    return found


def runtime_environment(target: Path) -> Path:
    """A Python environment that holds the installed metadata of the runtime closure only; returns its python."""
    venv.create(target, with_pip=False, symlinks=True)
    python = target / "bin" / "python"
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    wanted = runtime_closure()
    for info in Path(sysconfig.get_path("purelib")).glob("*.dist-info"):
        dist = md.Distribution.at(info)
        if canonicalize_name(dist.metadata["Name"]) in wanted:
            shutil.copytree(info, site / info.name)
    return python


def write_sbom(out: Path, work: Path) -> subprocess.CompletedProcess[str]:
    """Write the CycloneDX (JSON) SBOM of floorcraft's runtime dependencies to `out`, validated by the tool."""
    python = runtime_environment(work / "runtime-env")
    command = [
        sys.executable,
        "-m",
        "cyclonedx_py",
        "environment",
        str(python),
        "--pyproject",
        str(ROOT / "pyproject.toml"),
        "--output-reproducible",
        "--validate",
        "-o",
        str(out),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "sbom":
        print("usage: python -m tests.quality.deps sbom FILE", file=sys.stderr)
        return 2
    out = Path(argv[1]).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.parent / "sbom-work"
    shutil.rmtree(work, ignore_errors=True)
    try:
        done = write_sbom(out, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.stderr.write(done.stderr)
    if done.returncode == 0:
        print(f"wrote {out}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
