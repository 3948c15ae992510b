"""Push through the real endpoint: exactly once and in order, refusals that never block the queue,
versions, and the protocol's error answers."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from backend.domain.maintenance.models import WorkOrder, WorkOrderComment
from backend.replication.models import SyncClient, SyncMutationResult
from sync.messages import (
    BadRequest,
    Forbidden,
    MutationResult,
    OutOfOrder,
    PushResponse,
    Unauthorized,
    VersionNotSupported,
)
from tests.integration.replication._device import Device
from tests.integration.replication.conftest import Plant


def comment(plant: Plant, body: str = "belt replaced") -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "work_order_id": str(plant.wo.id), "body": body}


async def comments(plant: Plant) -> list[str]:
    stmt = select(WorkOrderComment.body).where(WorkOrderComment.work_order_id == plant.wo.id)
    return sorted(await plant.factory.session.scalars(stmt))


async def stored(plant: Plant, device: Device) -> list[tuple[int, str, str | None]]:
    session = plant.factory.session
    stmt = (
        select(SyncMutationResult.mutation_id, SyncMutationResult.status, SyncMutationResult.code)
        .where(SyncMutationResult.client_id == device.client_id)
        .order_by(SyncMutationResult.mutation_id)
    )
    return [tuple(r) for r in (await session.execute(stmt)).all()]  # type: ignore[misc]


async def test_a_resent_batch_is_answered_from_the_stored_results_without_a_second_effect(
    plant: Plant,
) -> None:
    tech = await plant.device(plant.tech)
    tech.queue("workorder.comment", comment(plant, "first"))
    tech.queue("workorder.comment", comment(plant, "second"))
    batch = tech.outbox.batch(10)
    _, first = await tech.push()
    tech.outbox.pending.update({m.id: m for m in batch})
    status, again = await tech.push()
    assert isinstance(first, PushResponse) and isinstance(again, PushResponse)
    assert [r.status for r in first.results] == ["applied", "applied"]
    assert status == 200
    assert again.results == [
        MutationResult(id=1, status="duplicate", original="applied"),
        MutationResult(id=2, status="duplicate", original="applied"),
    ]
    assert again.last_mutation_id == 2
    assert await comments(plant) == ["first", "second"]


async def test_a_gap_is_refused_with_the_number_expected(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    tech.queue("workorder.comment", comment(plant))
    tech.queue("workorder.comment", comment(plant, "second"))
    tech.outbox.pending.pop(1)
    status, answer = await tech.push()
    assert status == 409
    assert isinstance(answer, OutOfOrder)
    assert (answer.expected, answer.got, answer.last_mutation_id) == (1, 2, 0)
    assert await comments(plant) == []


async def test_refusals_advance_the_number_are_stored_with_their_reason_and_never_block(plant: Plant) -> None:
    operator = await plant.device(plant.operator)
    wo = {"id": str(plant.wo.id), "base_version": plant.wo.version}
    operator.queue("workorder.start", wo)
    operator.queue("workorder.nonsense", {})
    operator.queue("workorder.comment", {"id": "not a uuid", "work_order_id": str(plant.wo.id), "body": "x"})
    operator.queue("workorder.complete", {"id": str(uuid.uuid4()), "base_version": 1})
    operator.queue("workorder.comment", comment(plant, "after the refusals"))
    status, answer = await operator.push()
    assert status == 200 and isinstance(answer, PushResponse)
    codes = [(r.status, r.code) for r in answer.results]
    assert codes == [
        ("rejected", "forbidden"),
        ("rejected", "unknown_mutation"),
        ("rejected", "invalid_args"),
        ("rejected", "not_found"),
        ("applied", None),
    ]
    assert all(r.reason for r in answer.results[:4])
    assert answer.last_mutation_id == 5
    assert await stored(plant, operator) == [
        (1, "rejected", "forbidden"),
        (2, "rejected", "unknown_mutation"),
        (3, "rejected", "invalid_args"),
        (4, "rejected", "not_found"),
        (5, "applied", None),
    ]
    assert await comments(plant) == ["after the refusals"]


async def test_a_refused_mutation_leaves_no_partial_effect(plant: Plant) -> None:
    """Completing with required checklist items unanswered walks start, then fails at done: the
    start must not stay applied."""
    tech = await plant.device(plant.tech)
    result = await tech.mutate(
        "workorder.complete", {"id": str(plant.wo.id), "base_version": plant.wo.version}
    )
    assert (result.status, result.code) == ("rejected", "refused")
    assert "required checklist items" in (result.reason or "")
    status = await plant.factory.session.scalar(select(WorkOrder.status).where(WorkOrder.id == plant.wo.id))
    assert status == "assigned"


async def test_a_duplicate_of_a_rejection_carries_its_original_outcome(plant: Plant) -> None:
    operator = await plant.device(plant.operator)
    operator.queue("workorder.start", {"id": str(plant.wo.id), "base_version": 1})
    batch = operator.outbox.batch(1)
    await operator.push()
    operator.outbox.pending.update({m.id: m for m in batch})
    _, again = await operator.push()
    assert isinstance(again, PushResponse)
    (result,) = again.results
    assert (result.status, result.original, result.code) == ("duplicate", "rejected", "forbidden")
    assert result.reason


async def test_an_unknown_version_of_a_known_mutation_stops_the_batch_with_426(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    tech.queue("workorder.comment", comment(plant, "kept"))
    tech.queue("workorder.comment", comment(plant, "from the future"), version=7)
    tech.queue("workorder.comment", comment(plant, "behind it"))
    status, answer = await tech.push()
    assert status == 426 and isinstance(answer, VersionNotSupported)
    assert (answer.kind, answer.name, answer.got, answer.min_supported, answer.max_supported) == (
        "mutation",
        "workorder.comment",
        7,
        1,
        1,
    )
    assert [r.status for r in answer.results] == ["applied"]
    assert answer.last_mutation_id == 1
    assert await comments(plant) == ["kept"]


async def test_an_old_protocol_gets_426_telling_to_update(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    body = {"protocol_version": 0, "schema_version": 1, "client_id": str(tech.client_id), "mutations": []}
    status, answer = await tech.post("/api/sync/push", body)
    assert status == 426 and isinstance(answer, VersionNotSupported)
    assert answer.kind == "protocol" and answer.got < answer.min_supported
    assert "update the app" in answer.message


async def test_an_old_schema_still_pushes_its_outbox_but_may_not_pull(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    mutation = {"id": 1, "name": "workorder.comment", "version": 1, "args": comment(plant, "queued")}
    body = {
        "protocol_version": 1,
        "schema_version": 0,
        "client_id": str(tech.client_id),
        "mutations": [mutation],
    }
    status, answer = await tech.post("/api/sync/push", body)
    assert status == 200 and isinstance(answer, PushResponse)
    pull = {"protocol_version": 1, "schema_version": 0, "client_id": str(tech.client_id)}
    status, refusal = await tech.post("/api/sync/pull", pull)
    assert status == 426 and isinstance(refusal, VersionNotSupported)
    assert refusal.kind == "schema" and "update the app" in refusal.message


async def test_a_missing_or_revoked_token_gets_a_protocol_401(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    tech.token = "nope"
    status, answer = await tech.post("/api/sync/pull", {"protocol_version": 1, "schema_version": 1})
    assert status == 401 and isinstance(answer, Unauthorized)


async def test_a_foreign_client_id_is_forbidden(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    other = await plant.device(plant.tech2)
    body = {"protocol_version": 1, "schema_version": 1, "client_id": str(other.client_id), "mutations": []}
    status, answer = await tech.post("/api/sync/push", body)
    assert status == 403 and isinstance(answer, Forbidden)


async def test_a_malformed_body_says_where(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    body = {"protocol_version": 1, "schema_version": 1, "client_id": str(tech.client_id), "mutations": [{}]}
    status, answer = await tech.post("/api/sync/push", body)
    assert status == 400 and isinstance(answer, BadRequest)
    assert "$.mutations[0]" in answer.message


async def test_the_device_row_records_its_user_and_last_number(plant: Plant) -> None:
    tech = await plant.device(plant.tech)
    await tech.mutate("workorder.comment", comment(plant))
    stmt = select(SyncClient.user_id, SyncClient.last_mutation_id).where(
        SyncClient.client_id == tech.client_id
    )
    assert tuple((await plant.factory.session.execute(stmt)).one()) == (str(plant.tech.id), 1)


async def test_a_transient_database_failure_answers_503_and_applies_nothing(
    plant: Plant, db_engine_name: str
) -> None:
    if db_engine_name != "postgresql":
        pytest.skip("a lock timeout is a PostgreSQL matter (SQLite has one writer)")
    from sqlalchemy import event

    tech = await plant.device(plant.tech)
    engine = plant.http.app.state.engine

    @event.listens_for(engine.sync_engine, "connect")
    def short_lock_timeout(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET lock_timeout = '300ms'")
        cursor.close()

    await engine.dispose()
    maker = plant.factory.session
    await maker.execute(select(WorkOrder).where(WorkOrder.id == plant.wo.id).with_for_update())
    try:
        tech.queue("workorder.start", {"id": str(plant.wo.id), "base_version": plant.wo.version})
        status, answer = await tech.push()
    finally:
        await maker.rollback()
    assert status == 503, answer
    assert await stored(plant, tech) == []
    status, answer = await tech.push()
    assert status == 200 and isinstance(answer, PushResponse)
    assert [r.status for r in answer.results] == ["applied"]
