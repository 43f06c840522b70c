"""QR codes without Pillow or lxml: the matrix from `qrcode`, drawn here as one SVG path (pages) or as text (terminal).

`import qrcode` tries Pillow (its styled drawers, in a try/except ImportError) and its SVG images build an lxml tree:
some 9 MB the idle box never uses. So Pillow is refused to the importing thread while qrcode is first imported (other
threads, and later imports, get it as usual: WeasyPrint needs it), and the SVG is written here from the matrix.
"""

from __future__ import annotations

import html
import importlib.abc
import sys
import threading
from types import ModuleType
from typing import TextIO

QUIET_ZONE = 4  # modules of light margin around the code (ISO/IEC 18004)
TERMINAL_BORDER = 1  # a terminal's own background is the rest of the margin


class _NoPillowHere(importlib.abc.MetaPathFinder):
    """Refuses `PIL` to one thread only, so an import of Pillow elsewhere at the same moment is not disturbed."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, fullname, path, target=None):
        if (fullname == "PIL" or fullname.startswith("PIL.")) and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("Pillow is not needed for QR codes", name=fullname)
        return None


def _qrcode() -> ModuleType:
    if "qrcode.main" in sys.modules or "PIL" in sys.modules:
        import qrcode

        return qrcode
    finder = _NoPillowHere()
    sys.meta_path.insert(0, finder)
    try:
        import qrcode
    finally:
        sys.meta_path.remove(finder)
    return qrcode


def _code(text: str, border: int):
    code = _qrcode().QRCode(border=border)
    code.add_data(text)
    code.make(fit=True)
    return code


def matrix(text: str, border: int = QUIET_ZONE) -> list[list[bool]]:
    """The code's modules, row by row (True: dark), with `border` light modules around them."""
    return [[bool(module) for module in row] for row in _code(text, border).get_matrix()]


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules in a row."""
    runs, start = [], None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs


def svg(text: str, label: str) -> str:
    """An SVG document of the code for `text`: dark modules on white, a quiet zone, scaling to its box; `label` is
    its text alternative (role="img")."""
    modules = matrix(text)
    size = len(modules)
    path = "".join(f"M{x},{y}h{n}v1h-{n}z" for y, row in enumerate(modules) for x, n in _runs(row))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{html.escape(label)}" '
        f'width="{size}mm" height="{size}mm" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" fill="#000"/></svg>'
    )


def print_terminal(text: str, out: TextIO | None = None) -> None:
    """The code in the terminal, in block characters, light on a dark terminal as on paper."""
    _code(text, TERMINAL_BORDER).print_ascii(out=out or sys.stdout, invert=True)
