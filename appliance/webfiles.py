"""The static pages' file system: a path that cannot name a file is simply not found (404), never a 500.

Litestar's local file system lets the operating system's errors through: `/lib/importmap.json/x` (a path
below a file: NotADirectoryError), `/desk/index.html%00.js` (a NUL byte: ValueError), a name too long
(ENAMETOOLONG) or a loop of links all became 500s. Permission errors keep Litestar's own answer.
"""

from __future__ import annotations

from typing import Any

from litestar.file_system import BaseLocalFileSystem


class PageFiles(BaseLocalFileSystem):
    async def info(self, path: Any, **kwargs: Any) -> Any:
        if "\x00" in str(path):
            raise FileNotFoundError(path)
        try:
            return await super().info(path, **kwargs)
        except PermissionError:
            raise
        except (OSError, ValueError) as exc:  # not a directory, name too long, loop, NUL...
            raise FileNotFoundError(path) from exc
