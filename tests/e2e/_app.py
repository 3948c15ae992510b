"""What a person does in the PWA, as reusable steps for the end-to-end tests."""

from __future__ import annotations

import io
from typing import Any

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "gemba-demo"


def sign_in(page: Page, username: str = "tech.north", path: str = "/") -> None:
    page.goto(path)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("app-shell").get_by_role("navigation", name="Main")).to_be_visible()


def wait_for_service_worker(page: Page) -> None:
    """Until the service worker controls the page (and has precached the shell)."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def connection_state(page: Page) -> Any:
    return page.get_by_test_id("connection")


def y4m_from_png(png: bytes, width: int = 640, height: int = 480) -> bytes:
    """One Y4M frame (4:2:0, BT.601 full range) with the image centred on white; Chromium loops it."""
    from PIL import Image

    label = Image.open(io.BytesIO(png)).convert("RGB")
    if label.width > width or label.height > height:
        label.thumbnail((width, height))
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(label, ((width - label.width) // 2, (height - label.height) // 2))
    y, u, v = canvas.convert("YCbCr").split()
    half = (width // 2, height // 2)
    u = u.resize(half, Image.Resampling.BOX)
    v = v.resize(half, Image.Resampling.BOX)
    header = f"YUV4MPEG2 W{width} H{height} F30:1 Ip A1:1 C420jpeg\n".encode()
    return header + b"FRAME\n" + y.tobytes() + u.tobytes() + v.tobytes()
