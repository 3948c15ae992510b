"""Comments are append-only; attachments are size-capped, typed by their bytes, kept per site."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.domain.maintenance import services
from backend.domain.maintenance.models import WorkOrderAttachment, WorkOrderComment
from backend.domain.maintenance.rules import ItemKind
from backend.domain.maintenance.schemas import TemplateItemIn
from backend.lib.clock import FixedClock
from backend.lib.errors import Conflict
from backend.settings import Settings
from tests.factories import Factory
from tests.factories import maintenance as mf
from tests.integration.maintenance._api import Plant, create_wo, move

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(200))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(300)


async def _upload(
    client: AsyncTestClient,
    wo_id: str,
    headers: dict[str, str],
    name: str,
    content: bytes,
    declared: str,
    **data: Any,
) -> Any:
    return await client.post(
        f"/api/work-orders/{wo_id}/attachments",
        files={"file": (name, content, declared)},
        data=data,
        headers=headers,
    )


async def _attachments(session: AsyncSession) -> int:
    session.expire_all()
    return int(await session.scalar(select(func.count()).select_from(WorkOrderAttachment)) or 0)


async def test_comments_are_listed_in_order_with_their_author(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    for who, body in (("operator", "It squeals at start-up"), ("tech", "Belt is glazed")):
        r = await client.post(
            f"/api/work-orders/{wo['id']}/comments", json={"body": body}, headers=plant[who]
        )
        assert r.status_code == 201
    listed = (await client.get(f"/api/work-orders/{wo['id']}/comments", headers=plant["planner"])).json()
    assert [(c["author_id"], c["body"]) for c in listed] == [
        (str(plant.operator.id), "It squeals at start-up"),
        (str(plant.tech.id), "Belt is glazed"),
    ]


async def test_comments_have_no_edit_or_delete_endpoint(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    c = await client.post(
        f"/api/work-orders/{wo['id']}/comments", json={"body": "first"}, headers=plant["tech"]
    )
    url = f"/api/work-orders/{wo['id']}/comments/{c.json()['id']}"
    assert (await client.patch(url, json={"body": "changed"}, headers=plant["tech"])).status_code in {
        404,
        405,
    }
    assert (await client.delete(url, headers=plant["tech"])).status_code in {404, 405}
    assert (
        await client.delete(f"/api/work-orders/{wo['id']}/comments", headers=plant["tech"])
    ).status_code == 405


async def test_the_model_refuses_to_change_or_delete_a_comment(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    wo = await create_wo(client, plant)
    await client.post(f"/api/work-orders/{wo['id']}/comments", json={"body": "first"}, headers=plant["tech"])
    comment = (await session.execute(select(WorkOrderComment))).scalar_one()
    comment.body = "rewritten"
    with pytest.raises(Conflict):
        await session.flush()
    await session.rollback()
    comment = (await session.execute(select(WorkOrderComment))).scalar_one()
    await session.delete(comment)
    with pytest.raises(Conflict):
        await session.flush()
    await session.rollback()


async def test_a_png_named_jpg_and_declared_jpeg_is_stored_as_png(
    client: AsyncTestClient, plant: Plant, settings: Settings
) -> None:
    wo = await create_wo(client, plant)
    r = await _upload(client, wo["id"], plant["tech"], "pump.jpg", PNG, "image/jpeg")
    assert r.status_code == 201, r.text
    meta = r.json()
    assert (meta["content_type"], meta["filename"], meta["size"]) == ("image/png", "pump.png", len(PNG))
    stored = Path(settings.attachments_dir) / str(plant.north.id) / meta["id"]
    assert stored.read_bytes() == PNG
    download = await client.get(
        f"/api/work-orders/{wo['id']}/attachments/{meta['id']}", headers=plant["operator"]
    )
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_a_text_file_is_refused_whatever_it_claims(
    client: AsyncTestClient, plant: Plant, session: AsyncSession
) -> None:
    wo = await create_wo(client, plant)
    r = await _upload(client, wo["id"], plant["tech"], "photo.jpg", b"just some notes\n", "image/jpeg")
    assert r.status_code == 415
    assert r.json()["errors"][0]["field"] == "file"
    assert await _attachments(session) == 0


async def test_a_file_over_the_limit_is_refused(
    plant: Plant, settings: Settings, clock: FixedClock, session: AsyncSession
) -> None:
    small = msgspec.structs.replace(settings, attachment_max_bytes=1000)
    async with AsyncTestClient(app=create_app(small, clock=clock)) as client:
        wo = await create_wo(client, plant)
        just_over = await _upload(client, wo["id"], plant["tech"], "big.jpg", JPEG + bytes(700), "image/jpeg")
        far_over = await _upload(
            client, wo["id"], plant["tech"], "huge.jpg", JPEG + bytes(200_000), "image/jpeg"
        )
        fits = await _upload(client, wo["id"], plant["tech"], "ok.jpg", JPEG, "image/jpeg")
    assert (just_over.status_code, far_over.status_code, fits.status_code) == (413, 413, 201)
    assert just_over.json()["limit"] == 1000
    assert await _attachments(session) == 1


async def test_an_attachment_of_another_site_is_not_found(
    client: AsyncTestClient, plant: Plant, factory: Factory, clock: FixedClock, settings: Settings
) -> None:
    south_machine = await factory.asset(plant.south)
    south_wo = await mf.work_order(factory, south_machine, clock)
    attachment = await services.add_attachment(
        factory.session,
        mf.site_admin(plant.south.id),
        south_wo.id,
        filename="leak.png",
        content=PNG,
        clock=clock,
        root=settings.attachments_dir,
        max_bytes=settings.attachment_max_bytes,
    )
    await factory.commit()
    north_wo = await create_wo(client, plant)
    for url in (
        f"/api/work-orders/{south_wo.id}/attachments/{attachment.id}",
        f"/api/work-orders/{north_wo['id']}/attachments/{attachment.id}",
        f"/api/work-orders/{south_wo.id}/attachments",
    ):
        r = await client.get(url, headers=plant["tech"])
        assert r.status_code == 404, url
    south = await client.get(
        f"/api/work-orders/{south_wo.id}/attachments/{attachment.id}",
        headers=await factory.headers(plant.south_tech),
    )
    assert south.content == PNG


async def test_a_photo_upload_answers_its_checklist_item(
    client: AsyncTestClient, plant: Plant, factory: Factory
) -> None:
    template = await mf.template(
        factory, plant.north, items=[TemplateItemIn(kind=ItemKind.PHOTO_REQUIRED, label="Photo of the belt")]
    )
    wo = await create_wo(
        client, plant, checklist_template_id=str(template.id), assignee_ids=[str(plant.tech.id)]
    )
    await move(client, wo["id"], "in_progress", plant["tech"])
    item = wo["checklist"][0]
    blocked = await client.post(
        f"/api/work-orders/{wo['id']}/transition", json={"to": "done"}, headers=plant["tech"]
    )
    assert blocked.status_code == 409
    r = await _upload(
        client, wo["id"], plant["tech"], "belt.jpg", JPEG, "image/jpeg", checklist_item_id=item["id"]
    )
    assert r.json()["checklist_item_id"] == item["id"]
    items = (await client.get(f"/api/work-orders/{wo['id']}/checklist", headers=plant["tech"])).json()
    assert items[0]["value"] == r.json()["id"]
    assert (await move(client, wo["id"], "done", plant["tech"]))["status"] == "done"


async def test_an_upload_without_a_file_is_a_400(client: AsyncTestClient, plant: Plant) -> None:
    wo = await create_wo(client, plant)
    r = await client.post(
        f"/api/work-orders/{wo['id']}/attachments",
        data={"checklist_item_id": str(uuid.uuid4())},
        headers=plant["tech"],
    )
    assert r.status_code == 400
