"""Scanning: Chromium's fake camera plays the asset's real QR label; the app lands on that asset."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import new_work_order, sign_in, wait_until_synced, y4m_from_png

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
    expect(page.get_by_test_id("scan-status")).to_have_text(
        "Point the camera at an asset, part or bin QR label."
    )
    page.wait_for_timeout(1500)
    expect(page.get_by_test_id("screen-scan")).to_be_visible()

    page.get_by_label("Asset code (printed under the QR) or label link").fill("n-grd-01")
    page.get_by_role("button", name="Open").click()

    expect(page.get_by_role("heading", name="N-GRD-01 · Grinder")).to_be_visible()


def test_scanning_a_bin_label_picks_parts_for_a_work_order(
    launch_browser: Any, new_context: Any, server: Any, tmp_path: Path
) -> None:
    order = new_work_order(
        server, asset_code="N-GRD-01", title="Regrease wheel drive", assignees=["tech.north"]
    )
    token = server.token()
    site = server.site("NORTH", token)
    rooms = server.get(f"/api/inventory/storerooms/?site_id={site['id']}", token).json()
    bins = server.get(f"/api/inventory/storerooms/{rooms[0]['id']}/bins", token).json()
    shelf = next(b for b in bins if b["code"] == "C-01")
    video = tmp_path / "bin.y4m"
    video.write_bytes(y4m_from_png(server.get(f"/api/inventory/bins/{shelf['id']}/label.png", token).content))
    browser = launch_browser(*_camera_playing(video))
    context = new_context(browser)
    context.grant_permissions(["camera"], origin=server.url)
    page = context.new_page()
    sign_in(page)
    wait_until_synced(page)
    page.goto(f"/wo/{order['id']}")
    page.get_by_role("button", name="Start work").click()

    parts = page.get_by_test_id("parts")
    parts.get_by_role("button", name="Take parts from stock").click()
    parts.get_by_role("button", name="Scan a bin or part label").click()
    expect(parts.get_by_role("heading", name="Bin C-01")).to_be_visible()
    parts.get_by_role("button", name=re.compile("LUB-GREASE-LGEP2")).click()
    parts.get_by_label("Quantity (kg)").fill("0.5")
    parts.get_by_role("button", name="Take 0.5 kg").click()
    expect(parts.get_by_text("Taken: 0.5 kg LUB-GREASE-LGEP2 from bin C-01.")).to_be_visible()

    wait_until_synced(page)
    used = server.get(f"/api/inventory/work-orders/{order['id']}/parts", token).json()["parts"]
    assert [(u["part_number"], u["net_quantity"]) for u in used] == [("LUB-GREASE-LGEP2", 0.5)]
