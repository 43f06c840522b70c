"""QR codes (appliance/qr.py): the SVG pages show carries exactly qrcode's modules, as qrcode's own SVG did, and
making one (or printing one in the terminal) loads neither Pillow nor lxml, which stay importable afterwards.

No QR decoder is in the venv or in the packages CI installs, so the SVG is read back into modules here and compared
with qrcode's matrix and with the modules of qrcode's own SVG image (what the pages showed before)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from appliance import qr
from appliance.services.registration import qr_svg

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
URL = "http://192.168.1.20:8000/join#Zq3x-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
RUN = re.compile(r"M(\d+),(\d+)h(\d+)v1h-\3z")
CELL = re.compile(r"M(\d+),(\d+)H(\d+)V(\d+)H\1z")  # qrcode's SvgPathImage: one square per module


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (the SVG the box made itself, or qrcode made here)


def _dark_cells(svg: str) -> set[tuple[int, int]]:
    """The dark modules (x, y) our SVG draws: its one path, read run by run, nothing left over."""
    path = _parse(svg).find(f"{SVG}path")
    assert path is not None and path.get("fill") == "#000"
    d = path.get("d", "")
    runs = RUN.findall(d)
    assert "".join(f"M{x},{y}h{n}v1h-{n}z" for x, y, n in runs) == d, "the path holds only runs of modules"
    return {(int(x) + i, int(y)) for x, y, n in runs for i in range(int(n))}


def _matrix_cells(matrix: list[list[bool]]) -> set[tuple[int, int]]:
    return {(x, y) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}


def test_the_svg_draws_exactly_the_codes_modules_on_white_with_a_quiet_zone():
    import qrcode

    made = qrcode.QRCode(border=4)
    made.add_data(URL)
    made.make(fit=True)
    expected = made.get_matrix()
    svg = qr_svg(URL)
    root = _parse(svg)
    size = len(expected)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == f"0 0 {size} {size}"  # it scales to its box
    assert root.get("role") == "img" and root.get("aria-label") == f"QR code of {URL}"
    background = root.find(f"{SVG}rect")
    assert background is not None and background.get("fill") == "#fff"
    assert (background.get("width"), background.get("height")) == (str(size), str(size))
    cells = _dark_cells(svg)
    assert cells == _matrix_cells(expected)
    assert min(min(x, y) for x, y in cells) == 4 and max(max(x, y) for x, y in cells) == size - 5  # 4 light modules


def test_the_svg_shows_the_same_modules_as_qrcodes_own_svg_did():
    import qrcode
    import qrcode.image.svg

    before = qrcode.make(URL, image_factory=qrcode.image.svg.SvgPathImage, box_size=10).to_string(encoding="unicode")
    d = _parse(before).find(f"{SVG}path").get("d")
    squares = [tuple(map(int, square)) for square in CELL.findall(d)]
    assert all((right, bottom) == (x + 1, y + 1) for x, y, right, bottom in squares) and len(squares) > 100
    old = {(x, y) for x, y, _right, _bottom in squares}
    assert _dark_cells(qr.svg(URL, label="x")) == old


def test_a_label_with_markup_stays_text():
    svg = qr.svg("http://box/register/#a", label='QR "code" <of> & more')
    assert _parse(svg).get("aria-label") == 'QR "code" <of> & more'


PROBE = """
import io, json, sys
from appliance.services.registration import qr_svg
from appliance import qr
svg = qr_svg("http://127.0.0.1:8000/register/#token")
out = io.StringIO()
qr.print_terminal("PAIR-CODE-1234", out=out)
loaded = sorted(name for name in ("PIL", "lxml", "qrcode") if sys.modules.get(name) is not None)
import PIL.Image
import qrcode.image.styles.moduledrawers.pil
PIL.Image.new("1", (2, 2))
print(json.dumps({"loaded": loaded, "svg": svg.startswith("<svg"), "blocks": "\\u2588" in out.getvalue()}))
"""


def test_making_and_printing_a_qr_code_loads_neither_pillow_nor_lxml_which_still_import_after():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"loaded": ["qrcode"], "svg": True, "blocks": True}


def test_with_pillow_already_loaded_qr_codes_still_work():
    code = "import PIL.Image\nfrom appliance import qr\nprint(qr.svg('http://x/', label='x')[:4])"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "<svg", done.stderr


THREADS = """
import threading
from appliance import qr
finder = qr._NoPillowHere()  # what qr installs while qrcode is first imported, in this (the main) thread
import sys
sys.meta_path.insert(0, finder)
other = []
try:
    import PIL
    here = "loaded"
except ImportError:
    here = "refused"
thread = threading.Thread(target=lambda: other.append(__import__("PIL.Image").Image.__name__))
thread.start()
thread.join(60)
print(here, other)
"""


def test_pillow_is_refused_only_to_the_thread_importing_qrcode():
    done = subprocess.run([sys.executable, "-c", THREADS], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.split() == ["refused", "['PIL.Image']"], done.stderr
