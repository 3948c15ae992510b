"""Every screen at phone (360x740) and tablet (1024x768) size: no serious or critical axe-core
violations, and a screenshot of each saved under test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from backend.settings import PROJECT_ROOT
from tests.e2e._app import sign_in
from tests.e2e.conftest import PHONE, TABLET

pytestmark = pytest.mark.e2e

AXE = PROJECT_ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"


def _axe_violations(page: Page) -> list[dict[str, Any]]:
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
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / f"{name}-{size}.png"), full_page=True)
    for violation in _axe_violations(page):
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
