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


def user_id(server: Any, username: str) -> str:
    token = server.token(username)
    return str(server.get("/api/auth/me", token).json()["user"]["id"])


def ensure_technician(server: Any, username: str, display_name: str, site_code: str = "NORTH") -> str:
    """A technician of the site (created once per server), for tests that need two of them."""
    import httpx

    admin = server.token("admin")
    site = server.site(site_code, admin)
    answer = httpx.post(
        f"{server.url}/api/users/",
        json={
            "username": username,
            "display_name": display_name,
            "password": DEMO_PASSWORD,
            "role": "technician",
            "site_ids": [site["id"]],
        },
        headers={"Authorization": f"Bearer {admin}"},
        timeout=10,
    )
    if answer.status_code not in (200, 201, 409, 422):
        answer.raise_for_status()
    return user_id(server, username)


def new_work_order(
    server: Any,
    *,
    asset_code: str,
    title: str,
    assignees: list[str],
    template_class: str | None = None,
    planner: str = "planner.north",
) -> dict[str, Any]:
    """A fresh work order made by a planner through the API, so each test owns its data."""
    token = server.token(planner)
    asset = server.asset(asset_code, token)
    body: dict[str, Any] = {
        "asset_id": asset["id"],
        "title": title,
        "assignee_ids": [user_id(server, name) for name in assignees],
    }
    if template_class:
        templates = server.get(
            f"/api/checklist-templates/?site_id={asset['site_id']}&asset_class={template_class}", token
        ).json()
        body["checklist_template_id"] = next(t["id"] for t in templates if t["asset_class"] == template_class)
    created: dict[str, Any] = server.post("/api/work-orders/", token, body)
    return created


def wait_until_synced(page: Page) -> None:
    """Every change made on the device reached the server and a pull has been revealed since."""
    expect(page.get_by_test_id("pending")).to_have_text("All changes synced")
    expect(page.get_by_test_id("last-sync")).not_to_have_text("Last sync: never")
    expect(page.get_by_test_id("last-sync")).not_to_have_text("Syncing…")


def pending_changes(page: Page) -> int:
    """The number of changes in the device's outbox without a result from the server."""
    count: int = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("gemba");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                const request = db.transaction("outbox").objectStore("outbox").index("byState").count("pending");
                request.onsuccess = () => { resolve(request.result); db.close(); };
                request.onerror = () => reject(request.error);
            };
        })"""
    )
    return count
