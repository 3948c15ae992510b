"""The operator's tablet runs production offline: counts entered without a connection reach the
server once the tablet is back online, and count exactly once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import sign_in, wait_until_synced
from tests.e2e.conftest import TABLET

pytestmark = pytest.mark.e2e

LINE = "N-L3"


def _running_operation(server: Any, line_id: str) -> dict[str, Any]:
    token = server.token("operator.north")
    queue = server.get(f"/api/production/lines/{line_id}/queue", token).json()
    running = next((i for i in queue if i["operation"]["status"] == "running"), None)
    if running is None:
        running = next(i for i in queue if i["ready"])
        server.post(f"/api/production/operations/{running['operation']['id']}/start", token, {})
    return dict(running["operation"])


def _synced_counts(server: Any, operation_id: str) -> list[dict[str, Any]]:
    events = server.get(f"/api/production/operations/{operation_id}/counts", server.token("admin")).json()
    return [e for e in events if e["idempotency_key"].startswith("sync:")]


def test_counts_recorded_offline_reach_the_server_once(
    new_context: Any, server: Any, artifacts: Path
) -> None:
    line = server.asset(LINE, server.token("operator.north"))
    operation = _running_operation(server, line["id"])
    context = new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, "operator.north")
    wait_until_synced(page)
    page.get_by_label("Line", exact=True).select_option(label=f"{LINE} · {line['name']}")
    current = page.get_by_test_id("current-order")
    expect(current).to_contain_text("Running")
    good = int(page.get_by_test_id("good-count").inner_text())

    context.set_offline(True)
    page.get_by_label("Good units").fill("6")
    page.get_by_role("button", name="Record count").click()
    expect(page.get_by_test_id("good-count")).to_have_text(str(good + 6))
    expect(page.get_by_test_id("pending")).to_have_text("1 change not synced")
    page.screenshot(path=str(artifacts / "line-counts-offline.png"), full_page=True)

    context.set_offline(False)
    wait_until_synced(page)
    page.reload()
    wait_until_synced(page)
    expect(page.get_by_test_id("good-count")).to_have_text(str(good + 6))
    counted = _synced_counts(server, operation["id"])
    assert [(e["good"], e["scrap"]) for e in counted] == [(6, 0)]
