"""Two technicians measure the same value offline: both sync, the second sees the conflict in
the inbox in plain words and resolves it; the server keeps the value chosen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e._app import ensure_technician, new_work_order, sign_in, wait_until_synced
from tests.e2e.conftest import PHONE, TABLET
from tests.e2e.test_accessibility import axe_violations

pytestmark = pytest.mark.e2e

MEASUREMENT = "Hydraulic pressure at rest"


def _open_offline(page: Page, context: Any, order_id: str) -> Any:
    page.goto(f"/wo/{order_id}")
    field = page.get_by_test_id("checklist-item").filter(has_text=MEASUREMENT).get_by_role("textbox")
    expect(field).to_be_visible()
    context.set_offline(True)
    return field


def _measure(field: Any, value: str) -> None:
    field.fill(value)
    field.press("Enter")


def _measured(server: Any, token: str, order_id: str) -> Any:
    items = server.get(f"/api/work-orders/{order_id}/checklist", token).json()
    return next(item["value"] for item in items if item["label"] == MEASUREMENT)


def test_two_offline_measurements_conflict_and_one_is_chosen(
    new_context: Any, server: Any, artifacts: Path
) -> None:
    ensure_technician(server, "tech.north2", "Tia Technician (North)")
    order = new_work_order(
        server,
        asset_code="N-PRS-01",
        title="Pressure reading twice",
        assignees=["tech.north", "tech.north2"],
        template_class="press",
    )
    first_context = new_context(viewport=PHONE)
    second_context = new_context(viewport=TABLET)
    first, second = first_context.new_page(), second_context.new_page()
    sign_in(first, "tech.north")
    sign_in(second, "tech.north2")
    for page in (first, second):
        wait_until_synced(page)
        expect(page.get_by_role("link", name=re.compile("Pressure reading twice"))).to_be_visible()

    first_field = _open_offline(first, first_context, order["id"])
    second_field = _open_offline(second, second_context, order["id"])
    _measure(first_field, "150")
    _measure(second_field, "155")
    for page in (first, second):
        expect(page.get_by_test_id("pending")).to_have_text("1 change not synced")

    first_context.set_offline(False)
    wait_until_synced(first)
    planner = server.token("planner.north")
    assert _measured(server, planner, order["id"]) == 150

    second_context.set_offline(False)
    wait_until_synced(second)
    assert _measured(server, planner, order["id"]) == 150
    nav = second.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile("Inbox"))).to_contain_text("1")
    nav.get_by_role("link", name=re.compile("Inbox")).click()
    conflict = second.get_by_test_id("conflict")
    expect(conflict).to_have_count(1)
    expect(conflict.get_by_role("heading")).to_have_text(
        f"Two different values for the measurement “{MEASUREMENT}” on {order['number']}"
    )
    expect(conflict.get_by_test_id("server-value")).to_have_text("150 bar")
    expect(conflict.get_by_test_id("client-value")).to_have_text("155 bar")
    expect(conflict).to_contain_text("Yours was kept aside, not lost.")
    second.screenshot(path=str(artifacts / "inbox-conflict-tablet.png"), full_page=True)
    assert axe_violations(second) == [], "the inbox with a conflict has axe violations"

    first.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Inbox")).click()
    expect(first.get_by_test_id("conflict")).to_have_count(1)
    expect(first.get_by_test_id("conflict")).to_contain_text("You and a colleague entered different values")
    first.screenshot(path=str(artifacts / "inbox-conflict-phone.png"), full_page=True)
    assert axe_violations(first) == [], "the inbox with a conflict has axe violations"

    conflict.get_by_role("button", name="Use 155 bar").click()
    expect(second.get_by_test_id("conflict")).to_have_count(0)
    wait_until_synced(second)
    assert _measured(server, planner, order["id"]) == 155
    expect(second.get_by_test_id("inbox-empty")).to_be_visible()

    first.reload()
    wait_until_synced(first)
    expect(first.get_by_test_id("conflict")).to_have_count(0)
    first.goto(f"/wo/{order['id']}")
    expect(
        first.get_by_test_id("checklist-item").filter(has_text=MEASUREMENT).get_by_role("textbox")
    ).to_have_value("155")
