"""Printed documents kept between exports: a PDF is rendered once per distinct content.

On a Raspberry Pi a document takes seconds to lay out, and an organiser exports to a stick many times a day.
The stick's documents are stamped with the time of the box's last change (not the wall clock), so an export of an
event that did not change produces the same HTML; its PDF is taken from `documents/` in the data dir. A file is
named by the SHA-256 of what was rendered (the HTML, in its language: a German and an English export keep their
own; the style sheet, WeasyPrint's version) and of its own bytes,
and is used only when its bytes still match: a torn or altered file is rendered again, never copied to a stick.
Only the files of the latest export are kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

FOLDER = "documents"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Kept:
    """The kept PDFs of one data dir; `render` is the renderer (HTML text -> PDF bytes)."""

    def __init__(self, data_dir: Path, version: str, render: Callable[[str], bytes]) -> None:
        self.folder = Path(data_dir) / FOLDER
        self.version = version
        self.render = render
        self.used: set[str] = set()

    def pdf(self, html: str) -> bytes:
        key = _digest(f"{self.version}\n{html}".encode())
        for path in self.folder.glob(f"{key}.*.pdf"):
            data = path.read_bytes()
            if path.name == f"{key}.{_digest(data)}.pdf":
                self.used.add(path.name)
                return data
            path.unlink(missing_ok=True)
        data = self.render(html)
        self._keep(f"{key}.{_digest(data)}.pdf", data)
        return data

    def _keep(self, name: str, data: bytes) -> None:
        from appliance.trust.checkpoints import give_to_folder_owner

        if not self.folder.is_dir():
            self.folder.mkdir()
            fd = os.open(self.folder, os.O_RDONLY)
            try:
                give_to_folder_owner(fd, self.folder.parent)
            finally:
                os.close(fd)
        temporary = self.folder / f".{name}.partial"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        give_to_folder_owner(fd, self.folder.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.folder / name)
        self.used.add(name)

    def forget_the_rest(self) -> int:
        """Remove every kept file this export did not use (older states of the events); returns how many."""
        removed = 0
        for path in self.folder.glob("*"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
