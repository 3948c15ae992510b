"""Push: a payload like the server's, delivered through the DevTools protocol, shows a notification
whose click opens the work order."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import sign_in, wait_for_service_worker

pytestmark = pytest.mark.e2e

WORK_ORDER_ID = "0193f7c0-1b2c-7d3e-8f40-5a6b7c8d9e0f"
PAYLOAD = {
    "type": "work_order.assigned",
    "work_order_id": WORK_ORDER_ID,
    "number": "WO-000042",
    "asset": {"code": "N-CNC-01", "name": "CNC mill 1"},
    "priority": "high",
    "title": "Spindle vibration",
    "url": f"/wo/{WORK_ORDER_ID}",
}


def _registration_id(cdp: Any, page: Any) -> str:
    """The registration whose active worker controls this page: the browser may still report
    registrations of the same origin from other (closed) contexts, and a push sent to one of
    those shows nothing here."""
    page_target = cdp.send("Target.getTargetInfo")["targetInfo"]["targetId"]
    found: dict[str, str] = {}

    def on_versions(event: dict[str, Any]) -> None:
        for version in event["versions"]:
            if page_target in version.get("controlledClients", []) and version.get("status") == "activated":
                found["id"] = version["registrationId"]

    cdp.on("ServiceWorker.workerVersionUpdated", on_versions)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert "id" in found, "no active service worker controlling the page was reported"
    return found["id"]


def _notifications(worker: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = worker.evaluate(
        """async () => (await self.registration.getNotifications()).map(n => ({
            title: n.title, body: n.body, tag: n.tag, data: n.data }))"""
    )
    return result


def test_a_push_shows_a_notification_that_opens_the_work_order(new_context: Any, server: Any) -> None:
    context = new_context()
    context.grant_permissions(["notifications"], origin=server.url)
    page = context.new_page()
    sign_in(page)
    wait_for_service_worker(page)
    worker = next(w for w in context.service_workers if w.url.endswith("/sw.js"))
    cdp = context.new_cdp_session(page)

    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.url,
            "registrationId": _registration_id(cdp, page),
            "data": json.dumps(PAYLOAD),
        },
    )

    deadline = time.monotonic() + 10
    shown = _notifications(worker)
    while not shown and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        shown = _notifications(worker)
    assert len(shown) == 1
    assert shown[0]["title"] == "New work order: WO-000042"
    assert "Spindle vibration" in shown[0]["body"]
    assert "N-CNC-01 · CNC mill 1" in shown[0]["body"]
    assert shown[0]["data"] == {"url": f"/wo/{WORK_ORDER_ID}"}

    worker.evaluate(
        """async () => {
            const [notification] = await self.registration.getNotifications();
            self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
        }"""
    )

    expect(page).to_have_url(f"{server.url}/wo/{WORK_ORDER_ID}")
    expect(page.get_by_test_id("workorder-id")).to_contain_text(WORK_ORDER_ID)
    assert _notifications(worker) == []


def test_without_push_the_app_works_and_says_why(new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    push = page.get_by_test_id("push")
    expect(push).to_contain_text("Notifications")
    expect(push).not_to_contain_text("receives a notification")
    expect(push.locator(".notice")).to_contain_text(
        re.compile("blocked|off|cannot|does not send|could not", re.IGNORECASE)
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My work").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
