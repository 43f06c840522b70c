"""The blank judges' slips (paper fallback) laid out and rendered: one per round, dance and judge, as many to a
page as fit, and a heat of up to 48 couples (the largest `max_per_heat`) wrapped into rows that stay on the page."""

from __future__ import annotations

import re
import subprocess

from appliance.model.competition import DANCE_NAMES
from appliance.printing import pdf, sheets

PANEL = [("A", "Margaret Holt"), ("B", "Jonas Berg"), ("C", "Ana Ruiz")]


def context(rounds: list[dict]) -> dict:
    """A judges-sheets document's context, as printing.data.build makes it (page header and footer included)."""
    return {
        "doc": "judges-sheets",
        "title": "Judges' sheets",
        "competition": "Big Open",
        "venue": "Hall",
        "dates": "1 December 2026",
        "event": "Adult Latin",
        "floor": "Main",
        "dances": ["Samba", "Cha Cha"],
        "checksum": "log #1 00 · box key none yet",
        "printed_at": "2026-12-01 10:00 UTC",
        "rounds": rounds,
    }


def on_page_text(body: bytes, tmp_path) -> list[str]:
    """The text inside each A4 page's box only (anything laid out beyond the paper's edge is left out)."""
    path = tmp_path / "slips.pdf"
    path.write_bytes(body)
    run = subprocess.run(
        ["pdftotext", "-layout", "-x", "0", "-y", "0", "-W", "595", "-H", "842", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.split("\f")[:-1]


def test_a_round_makes_one_slip_per_judge_and_dance_in_the_judges_order():
    heats = {"S": [[1, 2, 3], [4, 5]], "C": [[1, 3, 5], [2, 4]]}
    laid = sheets.round_slips("1st round", "recall", 3, heats, PANEL, DANCE_NAMES.get)
    slips = [s for page in laid["pages"] for s in page]
    assert [(s["letter"], s["dance"]) for s in slips] == [(j, d) for j, _ in PANEL for d in ("Samba", "Cha Cha")]
    assert all(s["couples"] == 5 and s["recall"] == 3 and not s["final"] for s in slips)
    assert [r["label"] for r in slips[0]["rows"]] == ["Heat 1", "Heat 2"] and slips[0]["rows"][1]["bibs"] == [4, 5]
    assert laid["per_page"] == 4 and [len(p) for p in laid["pages"]] == [4, 2]


def test_a_48_couple_heat_wraps_into_rows_and_longer_slips_share_a_page_with_fewer():
    big = list(range(101, 149))
    rows = sheets.rows_of([big])
    assert [len(r["bibs"]) for r in rows] == [14, 14, 14, 6] and [b for r in rows for b in r["bibs"]] == big
    assert [r["label"] for r in rows] == ["", "", "", ""]  # one heat: no heat labels
    assert sheets.per_page(1) == 4 and sheets.per_page(3) == 3 and sheets.per_page(4) == 2
    assert sheets.per_page(12) == 1 and sheets.per_page(40) == 1  # never none: a long slip gets a page of its own
    assert sheets.per_page(1, final=True) == 4 and sheets.per_page(6, final=True) == 1


def test_the_slips_a_page_is_given_really_fit_on_it(tmp_path):
    """Recall slips of 1 to 8 rows of boxes and finals of 1 to 4, each round with judges for exactly one page
    of slips: a slip that did not fit would push the page's last one over and the round would take two."""
    assert [sheets.per_page(r) for r in range(1, 9)] == [4, 4, 3, 2, 2, 2, 2, 1]
    assert [sheets.per_page(r, final=True) for r in range(1, 5)] == [4, 3, 3, 2]
    rounds = []
    for kind, most in (("recall", 8), ("final", 4)):
        for rows in range(1, most + 1):
            fit = sheets.per_page(rows, kind == "final")
            heats = {"S": [list(range(100 * h + 1, 100 * h + 15)) for h in range(rows)]}
            panel = [(chr(65 + j), f"Judge {j}") for j in range(fit)]
            rounds.append(sheets.round_slips(f"{kind} {rows}", kind, 7, heats, panel, DANCE_NAMES.get))
    pages = on_page_text(pdf.render(context(rounds)), tmp_path)
    assert [p.count(", signature") for p in pages] == [r["per_page"] for r in rounds]


def test_big_heats_and_a_final_render_every_bib_on_the_paper(tmp_path):
    couples = list(range(1, 97))
    first = {"S": [couples[:48], couples[48:]], "C": [couples[1::2], couples[::2]]}
    final = {"S": [[3, 9, 17, 40, 41, 77, 90]], "C": [[3, 9, 17, 40, 41, 77, 90]]}
    rounds = [
        sheets.round_slips("1st round", "recall", 48, first, PANEL, DANCE_NAMES.get),
        sheets.round_slips("Final", "final", None, final, PANEL, DANCE_NAMES.get),
    ]
    pages = on_page_text(pdf.render(context(rounds)), tmp_path)
    assert len(pages) == 6 + 2  # 1st round: one slip a page (8 rows); final: 4 + 2 slips
    for number, page in enumerate(pages, 1):
        assert f"page {number} of {len(pages)}" in page and "Judges' sheets" in page
    for page, (letter, dance) in zip(pages[:6], [(j, d) for j, _ in PANEL for d in ("Samba", "Cha Cha")], strict=True):
        assert f"{dance} · 1st round" in page and f"Judge {letter}:" in page and f"Judge {letter}, signature" in page
        assert "Mark exactly 48 couples of 96: a cross (X) in the box." in page
        body = re.sub(r"Heat \d", "", page.split(" box.", 1)[1].split(", signature", 1)[0])
        lines = [[int(n) for n in re.findall(r"\d+", line)] for line in body.splitlines()]
        assert sorted(n for line in lines for n in line) == couples  # every bib once, all on the paper
        assert max(len(line) for line in lines) == sheets.PER_ROW
    finals = " ".join(pages[6:])
    assert finals.count("Place all 7 couples: each place 1 to 7 once, one in a box.") == 6
    assert finals.count(", signature") == 6 and "Final" in pages[6].split("\n", 2)[1]
