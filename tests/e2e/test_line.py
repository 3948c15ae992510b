"""The operator's tablet at a line: a machine stop waiting for a reason is named offline from the
reason tree and reaches the server as the stop's reason once the tablet is back online."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from backend.collector.protocol import INGEST_PATH, encode_batch
from tests.e2e._app import sign_in, wait_until_synced
from tests.e2e.conftest import TABLET
from tests.factories.machines import SampleSeq, batch

pytestmark = pytest.mark.e2e

MACHINE = "N-DEB-01"


def _stop(server: Any, minutes_ago: int, minutes: int) -> dict[str, Any]:
    """A collector reports the machine stopped for a few minutes (a downtime event, no ticket)."""
    admin = server.token("admin")
    site = server.site("NORTH", admin)
    collector = server.post("/api/collectors/", admin, {"site_id": site["id"], "name": f"e2e {uuid.uuid4()}"})
    start = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    sample = SampleSeq(source=f"e2e-{uuid.uuid4()}")
    body = encode_batch(
        batch(
            sample(MACHINE, "run_state", True, start - timedelta(minutes=5)),
            sample(MACHINE, "run_state", False, start),
            sample(MACHINE, "run_state", True, start + timedelta(minutes=minutes)),
        )
    )
    answer = httpx.post(
        f"{server.url}{INGEST_PATH}",
        content=body,
        headers={"Authorization": f"Bearer {collector['token']}", "Content-Type": "application/json"},
        timeout=10,
    )
    answer.raise_for_status()
    machine = server.asset(MACHINE, admin)
    events = server.get(f"/api/downtime/events?asset_id={machine['id']}", admin).json()
    return next(e for e in events if e["reason_code"] is None and e["work_order_id"] is None)


def test_an_operator_names_the_reason_of_a_stop_offline(
    new_context: Any, server: Any, artifacts: Path
) -> None:
    event = _stop(server, minutes_ago=20, minutes=3)
    line = server.asset("N-L1", server.token("operator.north"))
    context = new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, "operator.north")
    wait_until_synced(page)
    page.get_by_label("Line", exact=True).select_option(label=f"N-L1 · {line['name']}")
    stop = page.get_by_test_id("stop").filter(has_text=MACHINE)
    expect(stop).to_be_visible()
    page.screenshot(path=str(artifacts / "line-stop-tablet.png"), full_page=True)

    context.set_offline(True)
    stop.get_by_role("button", name="Machine").click()
    stop.get_by_role("button", name="Jam").click()
    expect(page.get_by_test_id("stop").filter(has_text=MACHINE)).to_have_count(0)
    expect(page.get_by_test_id("stops")).to_contain_text("machine: Jam")
    expect(page.get_by_test_id("pending")).to_have_text("1 change not synced")

    context.set_offline(False)
    wait_until_synced(page)
    found = server.get(f"/api/downtime/events/{event['id']}", server.token("admin")).json()
    assert (found["reason_code"], found["reason_source"]) == ("machine.jam", "operator")
