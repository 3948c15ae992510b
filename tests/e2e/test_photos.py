"""Photos taken offline: compressed on the device, kept in IndexedDB, uploaded when online before
the work order closes (a required photo item is answered by its upload)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e._app import new_work_order, sign_in, wait_until_synced

pytestmark = pytest.mark.e2e

ITEM = "Photo of the worn part"


def _camera_picture(path: Path, size: tuple[int, int]) -> Path:
    from PIL import Image

    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((200, 40, 40), (width // 4, height // 4, width // 2, height // 2))
    image.save(path, "JPEG", quality=95)
    return path


def _stored_photos(page: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open("gemba");
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const db = open.result;
                const request = db.transaction("photos").objectStore("photos").getAll();
                request.onsuccess = () => {
                    resolve(request.result.map((p) => ({
                        width: p.width, height: p.height, size: p.size, type: p.blob.type,
                        state: p.state, item: p.checklist_item_id,
                    })));
                    db.close();
                };
                request.onerror = () => reject(request.error);
            };
        })"""
    )
    return rows


def test_photos_taken_offline_upload_before_the_work_order_closes(
    new_context: Any, server: Any, tmp_path: Path, artifacts: Path
) -> None:
    order = new_work_order(server, asset_code="N-LAT-02", title="Chuck jaw worn", assignees=["tech.north"])
    planner = server.token("planner.north")
    server.post(
        f"/api/work-orders/{order['id']}/checklist",
        planner,
        {"kind": "photo_required", "label": ITEM, "required": True},
    )
    picture = _camera_picture(tmp_path / "camera.jpg", (3000, 2000))
    context = new_context()
    page = context.new_page()
    sign_in(page)
    wait_until_synced(page)
    page.goto(f"/wo/{order['id']}")
    item = page.get_by_test_id("checklist-item").filter(has_text=ITEM)
    expect(item).to_be_visible()

    context.set_offline(True)
    page.get_by_role("button", name="Start work").click()
    item.locator("input[type=file]").set_input_files(str(picture))
    expect(item.get_by_text("Photo taken; it uploads when there is a connection.")).to_be_visible()
    page.get_by_test_id("photo-input").set_input_files(str(picture))
    expect(page.get_by_test_id("photo")).to_have_count(1)
    expect(page.get_by_test_id("photos-waiting")).to_have_text("2 photos to upload")
    stored = _stored_photos(page)
    assert len(stored) == 2
    for photo in stored:
        assert (photo["width"], photo["height"]) == (1600, 1067)
        assert photo["type"] == "image/jpeg"
        assert photo["size"] < picture.stat().st_size
        assert photo["state"] == "queued"
    page.screenshot(path=str(artifacts / "workorder-photos-phone.png"), full_page=True)

    page.get_by_role("button", name="Complete work").click()
    page.get_by_role("button", name="Yes, complete").click()
    expect(page.get_by_text("This work order is done")).to_be_visible()

    context.set_offline(False)
    wait_until_synced(page)
    expect(page.get_by_test_id("photos-waiting")).to_have_count(0)
    assert {p["state"] for p in _stored_photos(page)} == {"uploaded"}
    attachments = server.get(f"/api/work-orders/{order['id']}/attachments", planner).json()
    assert len(attachments) == 2
    assert {a["content_type"] for a in attachments} == {"image/jpeg"}
    answering = [a for a in attachments if a["checklist_item_id"]]
    assert len(answering) == 1
    detail = server.get(f"/api/work-orders/{order['id']}", planner).json()
    assert detail["status"] == "done"
    photo_item = next(i for i in detail["checklist"] if i["label"] == ITEM)
    assert photo_item["value"] == answering[0]["id"]
    expect(page.get_by_role("link", name=re.compile("Inbox"))).not_to_contain_text(re.compile(r"\d"))
