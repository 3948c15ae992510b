"""Scanning: Chromium's fake camera plays the asset's real QR label; the app lands on that asset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import sign_in, y4m_from_png

pytestmark = pytest.mark.e2e


def _camera_playing(path: Path) -> tuple[str, ...]:
    return ("--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={path}")


def test_scanning_a_real_label_opens_its_asset(
    launch_browser: Any, new_context: Any, server: Any, tmp_path: Path
) -> None:
    token = server.token()
    asset = server.asset("N-LAT-01", token)
    video = tmp_path / "label.y4m"
    video.write_bytes(y4m_from_png(server.get(f"/api/assets/{asset['id']}/label.png", token).content))
    browser = launch_browser(*_camera_playing(video))
    context = new_context(browser)
    context.grant_permissions(["camera"], origin=server.url)
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scan").click()

    label = asset["label_url"].rsplit("/", 1)[-1]
    expect(page).to_have_url(f"{server.url}/a/{label}")
    expect(page.get_by_role("heading", name="N-LAT-01 · CNC lathe 1")).to_be_visible()
    expect(page.get_by_test_id("asset-details")).to_contain_text("SN-N-LAT-01")
    wasm = [url for url in requested if url.endswith(".wasm")]
    assert wasm, "the QR decoder's wasm was not loaded"
    assert all(url.startswith(server.url) for url in requested), "a request left the app's origin"


def test_a_blank_camera_decodes_nothing_and_manual_entry_still_works(
    launch_browser: Any, new_context: Any, server: Any, tmp_path: Path
) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 320), "white").save(blank)
    video = tmp_path / "blank.y4m"
    video.write_bytes(y4m_from_png(blank.read_bytes()))
    browser = launch_browser(*_camera_playing(video))
    context = new_context(browser)
    context.grant_permissions(["camera"], origin=server.url)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scan").click()
    expect(page.get_by_test_id("scan-status")).to_have_text("Point the camera at the asset's QR label.")
    page.wait_for_timeout(1500)
    expect(page.get_by_test_id("screen-scan")).to_be_visible()

    page.get_by_label("Asset code (printed under the QR) or label link").fill("n-grd-01")
    page.get_by_role("button", name="Open").click()

    expect(page.get_by_role("heading", name="N-GRD-01 · Grinder")).to_be_visible()
