"""QR labels: each asset's QR encodes `{public_base_url}/a/{token}`; single labels and A4 sheets."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

import segno

from backend.domain.assets.models import Asset


def label_url(public_base_url: str, token: str) -> str:
    return f"{public_base_url.rstrip('/')}/a/{token}"


def label_png(url: str, *, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def label_svg(url: str, code: str, name: str, *, scale: int = 6) -> str:
    """A label: the QR with the asset code and name under it."""
    qr = segno.make(url, error="m", micro=False)
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    size = qr.symbol_size(scale=scale, border=4)[0]
    inner = buf.getvalue().decode()
    height = size + 40
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{height}" '
        f'viewBox="0 0 {size} {height}">'
        f'<rect width="{size}" height="{height}" fill="#fff"/>'
        f"{inner}"
        f'<text x="{size / 2}" y="{size + 14}" font-family="sans-serif" font-size="13" '
        f'font-weight="bold" text-anchor="middle">{escape(code)}</text>'
        f'<text x="{size / 2}" y="{size + 32}" font-family="sans-serif" font-size="11" '
        f'text-anchor="middle">{escape(name[:40])}</text></svg>'
    )


# A4 at 1 user unit = 1 mm; 3 columns x 5 rows of 64 x 55 mm labels, QR on top, text under it.
_A4_W, _A4_H = 210, 297
_COLS, _ROWS = 3, 5
_CELL_W, _CELL_H = 64, 55
_MARGIN_X, _MARGIN_Y = 9, 11
_QR_MM = 36


def label_sheet_svg(public_base_url: str, assets: Sequence[Asset]) -> list[str]:
    """One A4 SVG page per 15 labels, each QR with the asset code and name under it."""
    per_page = _COLS * _ROWS
    pages: list[str] = []
    for start in range(0, max(len(assets), 1), per_page):
        cells: list[str] = []
        for i, asset in enumerate(assets[start : start + per_page]):
            col, row = i % _COLS, i // _COLS
            x = _MARGIN_X + col * _CELL_W
            y = _MARGIN_Y + row * _CELL_H
            qr = segno.make(label_url(public_base_url, asset.label_token), error="m", micro=False)
            modules = qr.symbol_size(scale=1, border=2)[0]
            scale = _QR_MM / modules
            qr_x = (_CELL_W - 2 - _QR_MM) / 2
            rects = []
            for r_idx, line in enumerate(qr.matrix_iter(scale=1, border=2)):
                for c_idx, dark in enumerate(line):
                    if dark:
                        rects.append(f"M{c_idx},{r_idx}h1v1h-1z")
            cells.append(
                f'<g transform="translate({x:.2f},{y:.2f})">'
                f'<rect width="{_CELL_W - 2}" height="{_CELL_H - 2}" fill="none" stroke="#ccc" '
                f'stroke-width="0.2"/>'
                f'<path transform="translate({qr_x:.2f},2) scale({scale:.4f})" d="{"".join(rects)}" '
                f'fill="#000"/>'
                f'<text x="{(_CELL_W - 2) / 2}" y="{_QR_MM + 7}" font-family="sans-serif" font-size="4.2" '
                f'font-weight="bold" text-anchor="middle">{escape(asset.code)}</text>'
                f'<text x="{(_CELL_W - 2) / 2}" y="{_QR_MM + 12.5}" font-family="sans-serif" '
                f'font-size="3" text-anchor="middle">{escape(asset.name[:34])}</text>'
                f"</g>"
            )
        pages.append(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{_A4_W}mm" height="{_A4_H}mm" '
            f'viewBox="0 0 {_A4_W} {_A4_H}"><rect width="{_A4_W}" height="{_A4_H}" fill="#fff"/>'
            f"{''.join(cells)}</svg>"
        )
    return pages
