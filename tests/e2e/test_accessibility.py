"""Every screen at phone (360x740) and tablet (1024x768) size: no serious or critical axe-core
violations, and a screenshot of each saved under test-artifacts/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from backend.settings import PROJECT_ROOT
from tests.e2e._app import new_work_order, sign_in, wait_until_synced
from tests.e2e.conftest import PHONE, TABLET

pytestmark = pytest.mark.e2e

AXE = PROJECT_ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"


def settle(page: Page) -> None:
    """The screen finished loading what it shows (the sync event stream never goes idle)."""
    page.wait_for_load_state("load")
    expect(page.locator("[aria-busy='true']")).to_have_count(0)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, { resultTypes: ["violations"] });
            return r.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                             targets: v.nodes.map(n => n.target.join(" ")) }));
        }"""
    )
    return result


def _check(page: Page, name: str, size: str, artifacts: Path, failures: list[str]) -> None:
    settle(page)
    page.screenshot(path=str(artifacts / f"{name}-{size}.png"), full_page=True)
    for violation in axe_violations(page):
        failures.append(f"{name} ({size}): {violation}")


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("tablet", TABLET)])
def test_screens_have_no_serious_accessibility_violations(
    new_context: Any, server: Any, artifacts: Path, size: str, viewport: dict[str, int]
) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `npm ci` in pwa/")
    label = server.asset("N-CNC-02", server.token())["label_url"].rsplit("/", 1)[-1]
    page = new_context(viewport=viewport).new_page()
    failures: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Gemba")).to_be_visible()
    _check(page, "login", size, artifacts, failures)

    sign_in(page)
    nav = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    _check(page, "my-work", size, artifacts, failures)

    nav.get_by_role("link", name="Scan").click()
    expect(page.get_by_test_id("scan-status")).not_to_have_text("Starting the camera…")
    _check(page, "scan", size, artifacts, failures)

    page.goto(f"/a/{label}")
    expect(page.get_by_role("heading", name="N-CNC-02 · CNC mill 2")).to_be_visible()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    _check(page, "asset", size, artifacts, failures)

    nav.get_by_role("link", name="Inbox").click()
    expect(page.get_by_role("heading", name="Conflicts and refusals")).to_be_visible()
    _check(page, "inbox", size, artifacts, failures)

    nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_test_id("device").first).to_be_visible()
    _check(page, "settings", size, artifacts, failures)

    assert not failures, "\n".join(failures)


def _run_first_operation(server: Any, line_id: str) -> None:
    """The line has something running, as an operator at the line terminal started it."""
    token = server.token("operator.north")
    queue = server.get(f"/api/production/lines/{line_id}/queue", token).json()
    if any(item["operation"]["status"] == "running" for item in queue):
        return
    first = next(item for item in queue if item["ready"])
    server.post(f"/api/production/operations/{first['operation']['id']}/start", token, {})


def _every_item_kind(server: Any, size: str) -> dict[str, Any]:
    """A CNC inspection (checkbox, numeric with limits, pass/fail, text) plus a photo item."""
    order = new_work_order(
        server,
        asset_code="N-CNC-01",
        title=f"Inspection for the {size} check",
        assignees=["tech.north"],
        template_class="cnc-mill",
    )
    server.post(
        f"/api/work-orders/{order['id']}/checklist",
        server.token("planner.north"),
        {"kind": "photo_required", "label": "Photo of the spindle nose", "required": False},
    )
    return order


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("tablet", TABLET)])
def test_execution_screens_have_no_serious_accessibility_violations(
    new_context: Any, server: Any, artifacts: Path, size: str, viewport: dict[str, int]
) -> None:
    if not AXE.is_file():
        pytest.skip("axe-core is missing: run `npm ci` in pwa/")
    order = _every_item_kind(server, size)
    token = server.token()
    site = server.site("NORTH", token)
    parts = server.get(f"/api/inventory/parts/?site_id={site['id']}&q=BRG-6205", token).json()
    part_label = parts[0]["label_url"].rsplit("/", 1)[-1]
    rooms = server.get(f"/api/inventory/storerooms/?site_id={site['id']}", token).json()
    bins = server.get(f"/api/inventory/storerooms/{rooms[0]['id']}/bins", token).json()
    bin_label = next(b for b in bins if b["code"] == "A-01")["label_url"].rsplit("/", 1)[-1]
    asset_label = server.asset("N-CNC-01", token)["label_url"].rsplit("/", 1)[-1]
    page = new_context(viewport=viewport).new_page()
    failures: list[str] = []
    sign_in(page)
    wait_until_synced(page)

    page.goto(f"/wo/{order['id']}")
    expect(page.get_by_test_id("checklist-item")).to_have_count(7)
    _check(page, "workorder-assigned", size, artifacts, failures)
    page.get_by_role("button", name="Start work").click()
    runout = page.get_by_test_id("checklist-item").filter(has_text="Spindle runout").get_by_role("textbox")
    runout.fill("0.02")
    runout.press("Enter")
    expect(page.get_by_test_id("out-of-limits")).to_have_text("Out of limits (0 – 0.01 mm)")
    page.get_by_test_id("checklist-item").filter(has_text="Way covers").get_by_role(
        "radio", name="Fail"
    ).check()
    page.get_by_role("button", name="Take parts from stock").click()
    page.get_by_label("Or search by part number, name or bin").fill("bearing")
    expect(
        page.get_by_test_id("part-picker").get_by_role("button", name=re.compile("BRG-6205"))
    ).to_be_visible()
    page.get_by_role("button", name="Pause (put on hold)").click()
    page.get_by_role("button", name="Complete work").click()
    _check(page, "workorder-in-progress", size, artifacts, failures)

    page.goto(f"/p/{part_label}")
    expect(page.get_by_role("heading", name=re.compile("BRG-6205"))).to_be_visible()
    page.get_by_role("button", name="Take for a work order").first.click()
    _check(page, "part-label", size, artifacts, failures)

    page.goto(f"/b/{bin_label}")
    expect(page.get_by_role("heading", name="Bin A-01")).to_be_visible()
    _check(page, "bin-label", size, artifacts, failures)

    page.goto(f"/a/{asset_label}")
    expect(page.get_by_test_id("asset-open-work")).to_contain_text(order["title"])
    page.get_by_role("button", name="Report a problem").click()
    _check(page, "asset-report", size, artifacts, failures)

    line = server.asset("N-L1", token)
    _run_first_operation(server, line["id"])
    operator = new_context(viewport=viewport).new_page()
    sign_in(operator, "operator.north")
    expect(operator.get_by_role("heading", name="My line")).to_be_visible()
    operator.get_by_label("Line", exact=True).select_option(label=f"N-L1 · {line['name']}")
    expect(operator.get_by_test_id("current-order")).to_contain_text("Running")
    expect(operator.get_by_test_id("quality-checks")).to_be_visible()
    _check(operator, "line", size, artifacts, failures)

    assert not failures, "\n".join(failures)
