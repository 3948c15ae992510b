"""Work done offline: a work order completed with no connection survives a reload and a browser
restart in the outbox, then syncs once: the API shows it done and the stock moved exactly once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e._app import (
    connection_state,
    new_work_order,
    pending_changes,
    sign_in,
    wait_for_service_worker,
    wait_until_synced,
)
from tests.e2e.conftest import TABLET

pytestmark = pytest.mark.e2e

PARTS = {"SEAL-NBR-40": 2, "FUS-10A-GG": 3}


def _stock(server: Any, token: str, site_id: str) -> dict[str, float]:
    lines = server.get(f"/api/inventory/stock?site_id={site_id}", token).json()
    return {line["part_number"]: line["on_hand"] for line in lines if line["part_number"] in PARTS}


def _item(page: Page, label: str) -> Any:
    return page.get_by_test_id("checklist-item").filter(has_text=label)


def _take(page: Page, number: str, quantity: int) -> None:
    parts = page.get_by_test_id("parts")
    parts.get_by_role("button", name="Take parts from stock").click()
    parts.get_by_label("Or search by part number, name or bin").fill(number)
    parts.get_by_role("button", name=re.compile(number)).first.click()
    parts.get_by_label(re.compile(r"^Quantity")).fill(str(quantity))
    parts.get_by_role("button", name=re.compile(r"^Take \d")).click()
    expect(parts.get_by_text(f"Taken: {quantity}")).to_be_visible()


def _complete_offline(page: Page, artifacts: Path) -> None:
    page.get_by_role("button", name="Start work").click()
    expect(page.get_by_test_id("wo-status-value")).to_have_text("In progress")
    expect(page.get_by_test_id("timer").get_by_role("timer")).to_be_visible()

    _item(page, "Two-hand control").get_by_role("radio", name="Pass").check()
    _item(page, "Light curtain").get_by_role("radio", name="Pass").check()
    pressure = _item(page, "Hydraulic pressure at rest")
    field = pressure.get_by_role("textbox")
    field.fill("171")
    expect(pressure.get_by_test_id("out-of-limits")).to_have_text("Out of limits (140 – 160 bar)")
    field.fill("152.5")
    field.press("Enter")
    expect(pressure.get_by_text("Within the limits")).to_be_visible()
    remarks = _item(page, "Remarks").get_by_role("textbox")
    remarks.fill("Ram seals dry; greased.")
    remarks.press("Tab")

    labor = page.get_by_test_id("labor")
    labor.get_by_label("Add time worked (minutes)").fill("30")
    labor.get_by_role("button", name="Add time").click()
    expect(labor.get_by_text("Total logged: 30 min")).to_be_visible()

    for number, quantity in PARTS.items():
        _take(page, number, quantity)
    expect(page.get_by_test_id("part-move")).to_have_count(2)

    page.get_by_label("Add a comment").fill("Done offline, synced later.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_test_id("comment")).to_contain_text("Done offline")
    page.screenshot(path=str(artifacts / "workorder-offline-phone.png"), full_page=True)

    page.get_by_role("button", name="Complete work").click()
    page.get_by_role("button", name="Yes, complete").click()
    expect(page.get_by_text("This work order is done")).to_be_visible()


def test_work_order_completed_offline_survives_restart_and_syncs_once(
    persistent_context: Any, server: Any, artifacts: Path
) -> None:
    planner = server.token("planner.north")
    site = server.site("NORTH", planner)
    order = new_work_order(
        server,
        asset_code="N-PRS-01",
        title="Offline press check",
        assignees=["tech.north"],
        template_class="press",
    )
    before = _stock(server, planner, site["id"])

    context = persistent_context()
    page = context.new_page()
    sign_in(page)
    wait_for_service_worker(page)
    wait_until_synced(page)
    expect(page.get_by_role("link", name=re.compile("Offline press check"))).to_be_visible()

    context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(connection_state(page)).to_have_text("Offline")
    page.get_by_role("link", name=re.compile("Offline press check")).click()
    expect(page.get_by_role("heading", name=re.compile("Offline press check"))).to_be_visible()

    _complete_offline(page, artifacts)
    queued = pending_changes(page)
    # start, 4 answers, labor (manual), 2 issues, comment, the timer's labor, complete
    assert queued == 11
    expect(page.get_by_test_id("pending")).to_have_text(f"{queued} changes not synced")

    page.reload()
    expect(page.get_by_text("This work order is done")).to_be_visible()
    assert pending_changes(page) == queued

    context.close()
    context = persistent_context()
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"/wo/{order['id']}")
    expect(page.get_by_text("This work order is done")).to_be_visible()
    expect(connection_state(page)).to_have_text("Offline")
    assert pending_changes(page) == queued
    assert server.get(f"/api/work-orders/{order['id']}", planner).json()["status"] == "assigned"

    context.set_offline(False)
    wait_until_synced(page)
    expect(connection_state(page)).to_have_text("Online")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Sync now").click()
    wait_until_synced(page)

    detail = server.get(f"/api/work-orders/{order['id']}", planner).json()
    assert detail["status"] == "done"
    answers = {item["label"]: item["value"] for item in detail["checklist"]}
    assert answers["Hydraulic pressure at rest"] == 152.5
    assert answers["Two-hand control releases on one hand"] == "pass"
    assert answers["Remarks"] == "Ram seals dry; greased."
    assert sorted(entry["minutes"] for entry in detail["labor"])[-1] == 30
    assert len(detail["labor"]) == 2
    after = _stock(server, planner, site["id"])
    assert {n: before[n] - after[n] for n in PARTS} == PARTS
    used = server.get(f"/api/inventory/work-orders/{order['id']}/parts", planner).json()["parts"]
    assert {u["part_number"]: u["net_quantity"] for u in used} == PARTS
    comments = server.get(f"/api/work-orders/{order['id']}/comments", planner).json()
    assert [c["body"] for c in comments] == ["Done offline, synced later."]


def test_a_problem_reported_offline_becomes_a_request(new_context: Any, server: Any, artifacts: Path) -> None:
    token = server.token("tech.north")
    asset = server.asset("N-SCR-01", token)
    label = asset["label_url"].rsplit("/", 1)[-1]
    context = new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page)
    wait_until_synced(page)
    page.goto(f"/a/{label}")
    expect(page.get_by_role("heading", name="N-SCR-01 · Screwing station")).to_be_visible()

    context.set_offline(True)
    report = page.get_by_test_id("report-problem")
    report.get_by_role("button", name="Report a problem").click()
    report.get_by_label("What is wrong?").fill("Nutrunner torque drifts")
    report.get_by_label("Details (optional)").fill("Reads 2 Nm low since the morning shift.")
    report.get_by_label("Urgency").select_option("high")
    page.screenshot(path=str(artifacts / "report-problem-tablet.png"), full_page=True)
    report.get_by_role("button", name="Send report").click()
    expect(report.get_by_text("Reported: “Nutrunner torque drifts”")).to_be_visible()
    expect(page.get_by_test_id("asset-open-work")).to_contain_text("Nutrunner torque drifts")

    context.set_offline(False)
    wait_until_synced(page)
    found = server.get(f"/api/work-orders/?asset_id={asset['id']}&status=requested", token).json()["items"]
    assert [(w["title"], w["priority"]) for w in found if w["title"] == "Nutrunner torque drifts"] == [
        ("Nutrunner torque drifts", "high")
    ]
