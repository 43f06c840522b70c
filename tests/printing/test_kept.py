"""Printed documents kept between exports (appliance/printing/kept.py): rendered once per distinct content, a torn
or altered kept file rendered again, only the latest export's files kept."""

from __future__ import annotations

from appliance.printing.kept import Kept


class Renderer:
    """HTML -> 'PDF' bytes, counting the calls (the real one is WeasyPrint: tests/printing/test_documents.py)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, html: str) -> bytes:
        self.calls.append(html)
        return b"%PDF " + html.encode()


def test_the_same_html_is_rendered_once_and_its_bytes_are_reused(tmp_path):
    render = Renderer()
    first = Kept(tmp_path, "v1", render).pdf("<p>results</p>")
    again = Kept(tmp_path, "v1", render)
    assert again.pdf("<p>results</p>") == first and render.calls == ["<p>results</p>"]
    assert again.pdf("<p>results, a round later</p>") == b"%PDF <p>results, a round later</p>"
    assert len(render.calls) == 2


def test_another_renderer_version_renders_again(tmp_path):
    render = Renderer()
    Kept(tmp_path, "weasyprint 1", render).pdf("<p>x</p>")
    Kept(tmp_path, "weasyprint 2", render).pdf("<p>x</p>")
    assert len(render.calls) == 2


def test_a_torn_or_altered_kept_file_is_rendered_again_and_never_returned(tmp_path):
    render = Renderer()
    Kept(tmp_path, "v1", render).pdf("<p>marks</p>")
    (kept_file,) = (tmp_path / "documents").glob("*.pdf")
    kept_file.write_bytes(b"%PDF <p>mar")  # a power cut mid-write, or someone editing the data dir
    assert Kept(tmp_path, "v1", render).pdf("<p>marks</p>") == b"%PDF <p>marks</p>"
    assert len(render.calls) == 2 and kept_file.read_bytes() == b"%PDF <p>marks</p>"


def test_only_the_files_of_the_latest_export_are_kept(tmp_path):
    render = Renderer()
    first = Kept(tmp_path, "v1", render)
    first.pdf("<p>round 1</p>")
    first.pdf("<p>couples</p>")
    second = Kept(tmp_path, "v1", render)
    second.pdf("<p>couples</p>")
    second.pdf("<p>round 2</p>")
    assert second.forget_the_rest() == 1
    left = sorted(p.read_bytes() for p in (tmp_path / "documents").iterdir())
    assert left == [b"%PDF <p>couples</p>", b"%PDF <p>round 2</p>"]
