"""Comments (append-only) and attachments (typed by their bytes, stored per site) on work orders."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import anyio.to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance.models import WorkOrderAttachment, WorkOrderChecklistItem, WorkOrderComment
from backend.domain.maintenance.rules import EXECUTABLE, ItemKind, Status
from backend.domain.maintenance.services._checklists import apply_answer
from backend.domain.maintenance.services._common import flush, get_work_order, user_ref
from backend.domain.maintenance.sniff import ACCEPTED, safe_filename, sniff
from backend.domain.people.roles import ALL_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from backend.lib.ids import uuid7

_NO_NEW_FILES = frozenset({Status.CANCELLED, Status.REJECTED, Status.VERIFIED})


class PayloadTooLarge(DomainError):
    status = 413
    type_slug = "payload-too-large"
    title = "Payload too large"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the file exceeds the limit of {limit} bytes",
            errors=[FieldError("file", f"larger than {limit} bytes")],
            limit=limit,
        )


class UnsupportedMediaType(DomainError):
    status = 415
    type_slug = "unsupported-media-type"
    title = "Unsupported media type"

    def __init__(self) -> None:
        accepted = ", ".join(ACCEPTED)
        super().__init__(
            f"the file's content is not one of: {accepted}",
            errors=[FieldError("file", f"content is not one of: {accepted}")],
            accepted=list(ACCEPTED),
        )


async def add_comment(
    session: AsyncSession,
    actor: Actor,
    wo_id: uuid.UUID,
    body: str,
    clock: Clock,
    *,
    comment_id: uuid.UUID | None = None,
) -> WorkOrderComment:
    """Anyone who sees the work order may comment, in any status; comments are never edited."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(ALL_ROLES, "comment")
    text = body.strip()
    if not text:
        raise ValidationFailed("body", "a comment needs some text")
    comment = WorkOrderComment(
        id=comment_id or uuid7(),
        site_id=wo.site_id,
        work_order_id=wo.id,
        author_id=user_ref(actor),
        body=text,
        created_at=clock.now(),
    )
    session.add(comment)
    await flush(session)
    return comment


async def comments_of(session: AsyncSession, wo_id: uuid.UUID) -> list[WorkOrderComment]:
    wo = await get_work_order(session, wo_id)
    stmt = (
        select(WorkOrderComment)
        .where(WorkOrderComment.work_order_id == wo.id)
        .order_by(WorkOrderComment.created_at, WorkOrderComment.id)
    )
    return list((await session.execute(stmt)).scalars())


def attachment_path(root: str | Path, attachment: WorkOrderAttachment) -> Path:
    return Path(root) / str(attachment.site_id) / str(attachment.id)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(content)
    os.replace(tmp, path)


async def add_attachment(
    session: AsyncSession,
    actor: Actor,
    wo_id: uuid.UUID,
    *,
    filename: str | None,
    content: bytes,
    clock: Clock,
    root: str | Path,
    max_bytes: int,
    checklist_item_id: uuid.UUID | None = None,
) -> WorkOrderAttachment:
    """Store a photo or PDF: the size is capped, the type comes from the bytes, never from the name.
    Given a photo checklist item, the upload also answers it."""
    wo = await get_work_order(session, wo_id)
    actor.require_role(ALL_ROLES, "attach files")
    if Status(wo.status) in _NO_NEW_FILES:
        raise Conflict(f"a work order in status '{wo.status}' takes no new attachments")
    if len(content) > max_bytes:
        raise PayloadTooLarge(max_bytes)
    if not content:
        raise ValidationFailed("file", "the file is empty")
    content_type = sniff(content[:32])
    if content_type is None:
        raise UnsupportedMediaType()
    item: WorkOrderChecklistItem | None = None
    if checklist_item_id is not None:
        stmt = select(WorkOrderChecklistItem).where(
            WorkOrderChecklistItem.id == checklist_item_id, WorkOrderChecklistItem.work_order_id == wo.id
        )
        item = (await session.execute(stmt)).scalar_one_or_none()
        if item is None:
            raise ValidationFailed("checklist_item_id", "no such checklist item on this work order")
        if item.kind != ItemKind.PHOTO_REQUIRED:
            raise ValidationFailed("checklist_item_id", "the item does not take a photo")
        if Status(wo.status) not in EXECUTABLE:
            raise Conflict(f"the checklist of a work order in status '{wo.status}' cannot change")
    attachment = WorkOrderAttachment(
        id=uuid7(),
        site_id=wo.site_id,
        work_order_id=wo.id,
        checklist_item_id=checklist_item_id,
        uploaded_by=user_ref(actor),
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=clock.now(),
    )
    path = attachment_path(root, attachment)
    await anyio.to_thread.run_sync(_write, path, content)
    try:
        session.add(attachment)
        await flush(session)
        if item is not None:
            apply_answer(item, None, None, str(attachment.id), False)
            item.answered_at, item.answered_by = clock.now(), user_ref(actor)
            await flush(session)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


async def attachments_of(session: AsyncSession, wo_id: uuid.UUID) -> list[WorkOrderAttachment]:
    wo = await get_work_order(session, wo_id)
    stmt = (
        select(WorkOrderAttachment)
        .where(WorkOrderAttachment.work_order_id == wo.id)
        .order_by(WorkOrderAttachment.created_at, WorkOrderAttachment.id)
    )
    return list((await session.execute(stmt)).scalars())


async def get_attachment(
    session: AsyncSession, wo_id: uuid.UUID, attachment_id: uuid.UUID, root: str | Path
) -> tuple[WorkOrderAttachment, Path]:
    """An attachment of a work order in the caller's sites, with the path of its bytes."""
    wo = await get_work_order(session, wo_id)
    stmt = select(WorkOrderAttachment).where(
        WorkOrderAttachment.id == attachment_id, WorkOrderAttachment.work_order_id == wo.id
    )
    attachment = (await session.execute(stmt)).scalar_one_or_none()
    if attachment is None:
        raise NotFound("attachment not found")
    path = attachment_path(root, attachment)
    if not await anyio.to_thread.run_sync(path.is_file):
        raise NotFound("the attachment's file is missing from storage")
    return attachment, path
