"""Printed documents benchmark: the render time and peak memory of each document for a demo-sized competition.

The demo (44 couples, 4 events, 7 judges) judged to its official results by `floorcraft demo --simulate` in a
temporary folder (or `--data DIR`, a box already judged); then each document of one event (default 1, Adult
Standard Open: 26 couples, 1st round, semi-final and final, 5 dances) is rendered in a fresh process, as
`floorcraft print` does: read in one snapshot, laid out by WeasyPrint. For each: pages, build (the database read),
render (Jinja2 + WeasyPrint) and CPU seconds, the process's RSS before rendering (Python, WeasyPrint and the data)
and its peak RSS; the draw and the judges' sheets printed by headless Chromium from the same HTML, for comparison.
Then the USB export (every printed document of every event, the change log, the manifest) of the
judged demo, and of a fresh demo whose first rounds are drawn (the judges' blank sheets of those rounds). Last
lines: RESULT print doc=... pages=... render_s=... peak_rss_mb=...

    .venv/bin/python bench/print_documents.py [--event 1] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pages(body: bytes) -> int:
    """The PDF's page count, as poppler's pdfinfo reads it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        out.write(body)
        out.flush()
        info = subprocess.run(["pdfinfo", out.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def child_print(data_dir: str, doc: str, event: int) -> dict:
    """One document rendered in this (fresh) process; its figures."""
    from appliance.db.store import open_checked, utc_now
    from appliance.printing import box_key_text, data, pdf

    started = time.perf_counter()
    conn = open_checked(Path(data_dir) / "floorcraft.sqlite3")
    conn.execute("BEGIN")
    context = data.build(conn, event, doc, box_key_text(Path(data_dir)), utc_now())
    conn.close()
    built = time.perf_counter()
    before, cpu = _rss_mb(), _cpu()
    body = pdf.render(context)
    done = time.perf_counter()
    return {
        "doc": doc,
        "pages": _pages(body),
        "kib": len(body) // 1024,
        "build_s": built - started,
        "render_s": done - built,
        "cpu_s": _cpu() - cpu,
        "rss_before_mb": before,
        "peak_rss_mb": _rss_mb(),
    }


def child_export(data_dir: str) -> dict:
    """The USB export (`appliance.box.export.export`) into a temporary folder, in this (fresh) process."""
    from appliance.box import export
    from appliance.db.store import Store

    store = Store(Path(data_dir) / "floorcraft.sqlite3")
    with tempfile.TemporaryDirectory() as stick:
        started, cpu = time.perf_counter(), _cpu()
        folder = export.export(store, Path(data_dir), Path(stick))
        pdfs = sorted(p.name for p in folder.glob("*.pdf"))
        seconds = time.perf_counter() - started
    return {"pdfs": len(pdfs), "seconds": seconds, "cpu_s": _cpu() - cpu, "peak_rss_mb": _rss_mb()}


CHROMIUM = "/usr/bin/chromium"
"""The kiosk's browser, for comparison: the same HTML and stylesheet printed by headless Chromium."""


def chromium_print(data_dir: Path, doc: str, event: int) -> dict | None:
    """The same document's HTML printed to PDF by headless Chromium (one process tree per document, as it would be
    on the box); the peak RSS is the largest single process's (wait4), not the tree's sum."""
    if not Path(CHROMIUM).exists():
        return None
    from appliance.db.store import open_checked, utc_now
    from appliance.printing import box_key_text, data, pdf

    conn = open_checked(data_dir / "floorcraft.sqlite3")
    conn.execute("BEGIN")
    context = data.build(conn, event, doc, box_key_text(data_dir), utc_now())
    conn.close()
    with tempfile.TemporaryDirectory() as scratch:
        page = Path(scratch) / f"{doc}.html"
        link = '<link rel="stylesheet" href="print.css">'
        page.write_text(pdf.html(context).replace("<head>", f"<head>{link}", 1))
        (Path(scratch) / "print.css").write_text((pdf.TEMPLATES / "print.css").read_text())
        out = Path(scratch) / f"{doc}.pdf"
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
        started = time.perf_counter()
        proc = subprocess.Popen(
            [CHROMIUM, *flags, f"--user-data-dir={scratch}/profile", f"--print-to-pdf={out}", page.as_uri()],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        pages = _pages(out.read_bytes()) if out.exists() else 0
    cpu = usage.ru_utime + usage.ru_stime
    return {"doc": doc, "pages": pages, "seconds": seconds, "cpu_s": cpu, "peak_rss_mb": usage.ru_maxrss / 1024}


def _in_child(*args: str) -> dict:
    run = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, timeout=900, check=False
    )
    if run.returncode != 0:
        raise SystemExit(f"the child failed: {run.stderr[-2000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _demo(data_dir: Path, simulate: bool) -> None:
    env = {"FLOORCRAFT_DATA_DIR": str(data_dir), "PATH": os.environ.get("PATH", "")}
    args = [sys.executable, "-m", "appliance", "demo", *(["--simulate"] if simulate else [])]
    run = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False)
    if run.returncode != 0:
        raise SystemExit(f"floorcraft demo failed: {run.stderr[-2000:]}")


def bench(data_dir: Path, event: int) -> None:
    from appliance.printing import DOCS

    print(f"event {event} of the demo judged to its official results ({data_dir})")
    head = ("document", "pages", "KiB", "build s", "render s", "CPU s", "RSS before", "peak RSS")
    print(f"{head[0]:<14} " + " ".join(f"{h:>{w}}" for h, w in zip(head[1:], (5, 5, 8, 9, 6, 11, 9), strict=True)))
    found = []
    for doc in DOCS:
        r = _in_child("print", str(data_dir), doc, str(event))
        found.append(r)
        print(
            f"{doc:<14} {r['pages']:>5} {r['kib']:>5} {r['build_s']:>8.2f} {r['render_s']:>9.2f} {r['cpu_s']:>6.2f} "
            f"{r['rss_before_mb']:>8.0f} MB {r['peak_rss_mb']:>6.0f} MB"
        )
    for doc in ("draw", "judges-sheets"):
        chromium = chromium_print(data_dir, doc, event)
        if chromium is not None:
            print(
                f"the same {doc} by headless Chromium: {chromium['pages']} pages, {chromium['seconds']:.2f} s "
                f"({chromium['cpu_s']:.2f} s CPU), largest process {chromium['peak_rss_mb']:.0f} MB"
            )
    judged = _in_child("export", str(data_dir))
    print(
        f"USB export, judged demo: {judged['pdfs']} PDFs, {judged['seconds']:.1f} s ({judged['cpu_s']:.1f} s CPU), "
        f"peak RSS {judged['peak_rss_mb']:.0f} MB"
    )
    with tempfile.TemporaryDirectory() as fresh:
        _demo(Path(fresh), simulate=False)
        drawn = _in_child("export", fresh)
    print(
        f"USB export, fresh demo (first rounds drawn): {drawn['pdfs']} PDFs, {drawn['seconds']:.1f} s "
        f"({drawn['cpu_s']:.1f} s CPU), peak RSS {drawn['peak_rss_mb']:.0f} MB"
    )
    for r in found:
        figures = f"pages={r['pages']} render_s={r['render_s']:.2f} cpu_s={r['cpu_s']:.2f}"
        print(f"RESULT print doc={r['doc']} {figures} peak_rss_mb={r['peak_rss_mb']:.0f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        kind, data_dir, *rest = sys.argv[2:]
        result = child_print(data_dir, rest[0], int(rest[1])) if kind == "print" else child_export(data_dir)
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", type=int, default=1)
    parser.add_argument("--data", help="a box already judged (default: the demo, simulated, in a temporary folder)")
    args = parser.parse_args()
    if args.data:
        bench(Path(args.data), args.event)
        return
    with tempfile.TemporaryDirectory() as data_dir:
        print("judging the demo (floorcraft demo --simulate) ...", flush=True)
        _demo(Path(data_dir), simulate=True)
        bench(Path(data_dir), args.event)


if __name__ == "__main__":
    main()
