"""Serves the built PWA: real files as they are, and index.html for client routes (/a/…, /wo/…)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from litestar import Response, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler

_NO_CACHE = {"Cache-Control": "no-cache"}
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def make_pwa_handler(root: str) -> HTTPRouteHandler:
    base = Path(root).resolve()

    @get(["/", "/{path:path}"], exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
    def pwa(path: str = "") -> Response[bytes]:
        rel = path.lstrip("/")
        if rel.startswith("api/") or rel == "api":
            raise NotFoundException("no such API endpoint")
        target = (base / rel).resolve() if rel else base / "index.html"
        if not str(target).startswith(str(base)):
            raise NotFoundException("not found")
        if not target.is_file():
            if "." in rel.rsplit("/", 1)[-1]:
                raise NotFoundException("not found")
            target = base / "index.html"
            if not target.is_file():
                return Response(
                    b"<!doctype html><title>Gemba</title><p>The PWA is not built yet: run <code>make pwa</code>.",
                    media_type="text/html",
                )
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.name.endswith(".webmanifest"):
            media_type = "application/manifest+json"
        headers = _IMMUTABLE if "/assets/" in f"/{rel}" else _NO_CACHE
        return Response(target.read_bytes(), media_type=media_type, headers=headers)

    return pwa
