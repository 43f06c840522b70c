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


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET on every route that has GET (RFC 9110: a server MUST support
    HEAD wherever it supports GET; the API answered 405). The app sees GET; uvicorn, whose own scope still says
    HEAD, sends the headers only. Not the live stream: a HEAD there would hold a viewer's place until it left.
    """

    def __init__(self, app: Any, exempt: tuple[str, ...] = ("/api/live",)):
        self.app, self.exempt = app, exempt

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD" and scope.get("path") not in self.exempt:
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)
