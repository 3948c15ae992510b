"""QR labels decode, with a real decoder, to the asset's PWA URL, which resolves to the asset."""

from __future__ import annotations

import io
import subprocess

import pytest
import zxingcpp
from litestar.testing import AsyncTestClient
from PIL import Image

from tests.factories import Factory


def _decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image)]


async def test_label_png_decodes_to_the_asset_url(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    machine = await factory.asset(site)
    h = await factory.headers(await factory.user(site))
    r = await client.get(f"/api/assets/{machine.id}/label.png", headers=h)
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert _decode(Image.open(io.BytesIO(r.content))) == [f"http://gemba.test/a/{machine.label_token}"]


async def test_the_label_url_resolves_to_the_asset(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    machine = await factory.asset(site)
    h = await factory.headers(await factory.user(site))
    r = await client.get(f"/api/assets/by-label/{machine.label_token}", headers=h)
    assert r.json()["id"] == str(machine.id)
    assert r.json()["label_url"] == f"http://gemba.test/a/{machine.label_token}"


async def test_label_tokens_are_long_and_unrelated_to_the_code(factory: Factory) -> None:
    site = await factory.site()
    a = await factory.asset(site, code="M-1")
    b = await factory.asset(site, code="M-2")
    assert len(a.label_token) >= 24
    assert a.label_token != b.label_token
    assert "M-1" not in a.label_token


def _rasterize(svg: bytes, tmp_path: object) -> Image.Image:
    from pathlib import Path

    out = Path(str(tmp_path)) / "page"
    src = Path(str(tmp_path)) / "page.svg"
    src.write_bytes(svg)
    subprocess.run(
        ["rsvg-convert", "-d", "150", "-p", "150", "-o", f"{out}.png", str(src)],
        check=True,
        capture_output=True,
    )
    return Image.open(f"{out}.png")


async def test_label_svg_carries_code_and_name(client: AsyncTestClient, factory: Factory) -> None:
    site = await factory.site()
    machine = await factory.asset(site, code="PRESS-9", name="Big press")
    h = await factory.headers(await factory.user(site))
    r = await client.get(f"/api/assets/{machine.id}/label.svg", headers=h)
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert "PRESS-9" in r.text
    assert "Big press" in r.text


async def test_a_label_sheet_decodes_to_every_asset_of_the_subtree(
    client: AsyncTestClient, factory: Factory, tmp_path: object
) -> None:
    import shutil

    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert (librsvg2-bin) is not installed")
    site = await factory.site()
    line = await factory.asset(site, level="line")
    machines = [await factory.asset(site, parent=line) for _ in range(3)]
    h = await factory.headers(await factory.user(site))
    r = await client.get(f"/api/assets/{line.id}/labels.svg", headers=h)
    assert r.status_code == 200
    assert r.headers["x-total-pages"] == "1"
    decoded = set(_decode(_rasterize(r.content, tmp_path)))
    expected = {f"http://gemba.test/a/{a.label_token}" for a in [line, *machines]}
    assert decoded == expected
