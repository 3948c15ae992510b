"""Pull through the real endpoint: the first sync in pages, incremental changes, rows leaving the
scope, scope recomputed on every pull, the mutation number in the same snapshot, retention."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import delete, update

from backend.domain.inventory import services as inventory
from backend.domain.maintenance import services as maintenance
from backend.domain.maintenance.rules import Status
from backend.domain.people.models import UserSite
from backend.lib.clock import FixedClock, SystemClock
from backend.replication.changelog import CLOCK
from backend.replication.retention import prune
from sync.messages import Clear, Del, PullResponse, Put, ResetRequired
from tests.factories import maintenance as mf
from tests.factories.inventory import InventoryFactory
from tests.integration.replication.conftest import Plant

ENTITIES = {
    "asset",
    "bin",
    "failure_code",
    "part",
    "stock_balance",
    "storeroom",
    "workorder",
    "workorder_checklist_item",
}


async def test_the_first_sync_comes_in_pages_revealed_at_the_end(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    pages = await tech.sync(page_size=3)
    assert len(pages) > 3
    assert pages[0].reset and isinstance(pages[0].ops[0], Clear)
    assert not any(p.reset for p in pages[1:])
    assert all(p.has_more for p in pages[:-1]) and not pages[-1].has_more
    assert all(len([op for op in p.ops if not isinstance(op, Clear)]) <= 3 for p in pages)
    entities = {key[0] for key in tech.replica.rows}
    assert entities == ENTITIES
    wo = tech.rows("workorder")[str(plant.wo.id)]
    assert wo["assignee_ids"] == sorted(wo["assignee_ids"]) or len(wo["assignee_ids"]) == 2
    assert {str(u) for u in wo["assignee_ids"]} == {str(plant.tech.id), str(plant.tech2.id)}
    assert len(tech.rows("workorder_checklist_item")) == 4
    balance = tech.rows("stock_balance")[f"{plant.part.id}:{plant.bin.id}"]
    assert (balance["on_hand"], balance["available"]) == (3.0, 3.0)
    assert tech.rows("asset")[str(plant.machine.id)]["label_token"] == plant.machine.label_token


async def test_another_sites_rows_are_never_sent(plant: Plant) -> None:
    south = await plant.device(plant.south_tech)
    await plant.factory.asset(plant.south, code="SOUTH-1")
    await south.sync(page_size=2)
    sites = {str(data.get("site_id")) for key, (_, data) in south.replica.rows.items() if "site_id" in data}
    assert sites == {str(plant.south.id)}
    assert str(plant.wo.id) not in south.rows("workorder")


async def test_an_incremental_pull_sends_only_what_changed(plant: Plant, clock: FixedClock) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    await maintenance.add_comment(
        plant.factory.session, mf.site_admin(plant.north.id), plant.wo.id, "noise at 3000 rpm", clock
    )
    await plant.factory.commit()
    (page,) = await tech.sync()
    assert not page.reset
    assert [(op.entity, op.data["body"]) for op in page.ops if isinstance(op, Put)] == [
        ("workorder_comment", "noise at 3000 rpm")
    ]
    (empty,) = await tech.sync()
    assert empty.ops == []


async def test_the_number_of_the_last_applied_mutation_comes_with_its_effects(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    item = next(iter(tech.rows("workorder_checklist_item").values()))
    await tech.mutate(
        "workorder.checklist_answer",
        {
            "work_order_id": str(plant.wo.id),
            "item_id": str(item["id"]),
            "value": True if item["kind"] in ("checkbox",) else item["value"],
            "base_version": tech.version("workorder_checklist_item", item["id"]),
        },
    )
    comment_id = str(uuid.uuid4())
    await tech.mutate(
        "workorder.comment", {"id": comment_id, "work_order_id": str(plant.wo.id), "body": "ok"}
    )
    (page,) = await tech.sync()
    assert page.last_mutation_id == 2
    assert comment_id in tech.rows("workorder_comment")


async def test_a_deleted_row_arrives_as_a_deletion(plant: Plant, clock: FixedClock) -> None:
    spare = await InventoryFactory(plant.factory, clock).part(plant.north, number="SPARE-1")
    tech = await plant.device(plant.tech)
    await tech.sync()
    assert str(spare.id) in tech.rows("part")
    await inventory.delete_part(plant.factory.session, mf.site_admin(plant.north.id), spare.id)
    await plant.factory.commit()
    (page,) = await tech.sync()
    assert [(op.entity, op.id) for op in page.ops if isinstance(op, Del)] == [("part", str(spare.id))]
    assert str(spare.id) not in tech.rows("part")


async def test_a_closed_work_order_leaves_the_devices_with_its_children(
    plant: Plant, clock: FixedClock
) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    items = set(tech.rows("workorder_checklist_item"))
    session = plant.factory.session
    await maintenance.transition(
        session, mf.site_admin(plant.north.id), plant.wo.id, Status.CANCELLED.value, clock, "duplicate"
    )
    await plant.factory.commit()
    (page,) = await tech.sync()
    gone = {(op.entity, op.id) for op in page.ops if isinstance(op, Del)}
    assert gone == {("workorder", str(plant.wo.id))} | {("workorder_checklist_item", i) for i in items}
    assert tech.rows("workorder") == {} and tech.rows("workorder_checklist_item") == {}


async def test_a_withdrawn_site_replaces_the_replica_on_the_next_pull(plant: Plant) -> None:
    lead = await plant.device(plant.planner)
    session = plant.factory.session
    session.add(UserSite(user_id=plant.planner.id, site_id=plant.south.id))
    await plant.factory.commit()
    await plant.factory.asset(plant.south, code="SOUTH-1")
    await lead.sync()
    south_assets = {k for k, v in lead.rows("asset").items() if str(v["site_id"]) == str(plant.south.id)}
    assert south_assets
    await session.execute(
        delete(UserSite).where(UserSite.user_id == plant.planner.id, UserSite.site_id == plant.south.id)
    )
    await plant.factory.commit()
    pages = await lead.sync()
    assert pages[0].reset and isinstance(pages[0].ops[0], Clear)
    assert not south_assets & set(lead.rows("asset"))
    assert str(plant.machine.id) in lead.rows("asset")


async def test_a_cursor_older_than_the_retention_is_told_to_reset(plant: Plant, clock: FixedClock) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    session = plant.factory.session
    await maintenance.add_comment(session, mf.site_admin(plant.north.id), plant.wo.id, "old news", clock)
    await plant.factory.commit()
    later = FixedClock(SystemClock().now() + timedelta(days=31))
    pruned = await prune(session, later, days=30)
    await plant.factory.commit()
    assert pruned.changes > 0
    status, answer = await tech.pull_page(tech.replica.cursor)
    assert status == 410 and isinstance(answer, ResetRequired)
    assert answer.reason == "retention"
    tech.replica.forget_cursor()
    pages = await tech.sync()
    assert pages[0].reset and "old news" in {c["body"] for c in tech.rows("workorder_comment").values()}


async def test_a_cursor_of_another_history_is_told_to_reset(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    await tech.sync()
    await plant.factory.session.execute(update(CLOCK).values(epoch="restored-from-backup"))
    await plant.factory.commit()
    status, answer = await tech.pull_page(tech.replica.cursor)
    assert status == 410 and isinstance(answer, ResetRequired)
    assert answer.reason == "epoch"


async def test_a_page_never_reveals_a_half_sequence(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    status, first = await tech.pull_page(None, page_size=2)
    assert status == 200 and isinstance(first, PullResponse) and first.has_more
    assert tech.replica.receive(first) is None
    assert tech.replica.rows == {}
