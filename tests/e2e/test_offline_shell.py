"""The app shell: sign in once, then it loads from the service worker with no network."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import connection_state, sign_in, wait_for_service_worker

pytestmark = pytest.mark.e2e


def test_signed_in_app_reloads_offline_and_says_so(new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page)
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(connection_state(page)).to_have_text("Online")
    wait_for_service_worker(page)

    context.set_offline(True)
    page.reload()

    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    expect(connection_state(page)).to_have_text("Offline")
    expect(page.get_by_test_id("pending")).to_have_text("All changes synced")


def test_deep_links_open_offline(new_context: Any, server: Any) -> None:
    token = server.token()
    asset = server.asset("N-CNC-01", token)
    label = asset["label_url"].rsplit("/", 1)[-1]
    context = new_context()
    page = context.new_page()
    sign_in(page)
    wait_for_service_worker(page)
    page.goto(f"/a/{label}")
    expect(page.get_by_role("heading", name="N-CNC-01 · CNC mill 1")).to_be_visible()

    context.set_offline(True)
    page.goto(f"/a/{label}")
    expect(page.get_by_role("heading", name="N-CNC-01 · CNC mill 1")).to_be_visible()
    expect(page.get_by_text("Offline: showing what this device has stored.")).to_be_visible()
    page.goto("/wo/0193f7c0-0000-7000-8000-000000000001")
    expect(page.get_by_test_id("screen-workorder")).to_be_visible()
    expect(connection_state(page)).to_have_text("Offline")


def test_api_calls_are_not_served_from_the_service_worker(new_context: Any) -> None:
    context = new_context()
    page = context.new_page()
    sign_in(page)
    wait_for_service_worker(page)
    context.set_offline(True)
    failed = page.evaluate(
        "fetch('/api/assets/', {cache: 'no-store'}).then(() => 'answered', () => 'network error')"
    )
    assert failed == "network error"
