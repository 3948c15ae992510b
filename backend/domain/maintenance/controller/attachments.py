"""HTTP endpoints for work-order attachments: multipart upload, list, download (within the caller's sites)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.connection import ASGIConnection
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.handlers.base import BaseRouteHandler
from litestar.params import Body
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.maintenance import services
from backend.domain.maintenance.schemas import AttachmentOut
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.lib.errors import DomainError
from backend.settings import Settings

# Room for the multipart envelope around the file (boundaries, part headers, small fields).
MULTIPART_OVERHEAD = 64 * 1024


class LengthRequired(DomainError):
    status = 411
    type_slug = "length-required"
    title = "Length required"


def upload_size_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Refuse an oversized upload from its Content-Length, before any of the body is read."""
    settings: Settings = connection.app.state.settings
    raw = connection.headers.get("content-length")
    if raw is None or not raw.isdigit():
        raise LengthRequired("an upload needs a Content-Length header")
    if int(raw) > settings.attachment_max_bytes + MULTIPART_OVERHEAD:
        raise services.PayloadTooLarge(settings.attachment_max_bytes)


@dataclass
class AttachmentUpload:
    file: UploadFile
    checklist_item_id: uuid.UUID | None = None


class AttachmentController(Controller):
    path = "/api/work-orders"
    tags = ["maintenance"]

    @post("/{wo_id:uuid}/attachments", guards=[upload_size_guard], request_max_body_size=None)
    async def upload(
        self,
        session: AsyncSession,
        actor: Actor,
        clock: Clock,
        settings: Settings,
        wo_id: uuid.UUID,
        data: Annotated[AttachmentUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> AttachmentOut:
        """A photo (JPEG, PNG, WebP, HEIC) or PDF; its type is read from its bytes. With a
        `checklist_item_id` of a photo item, the upload answers that item."""
        content = await data.file.read(settings.attachment_max_bytes + 1)
        attachment = await services.add_attachment(
            session,
            actor,
            wo_id,
            filename=data.file.filename,
            content=content,
            clock=clock,
            root=settings.attachments_dir,
            max_bytes=settings.attachment_max_bytes,
            checklist_item_id=data.checklist_item_id,
        )
        return AttachmentOut.of(attachment)

    @get("/{wo_id:uuid}/attachments")
    async def list_attachments(self, session: AsyncSession, wo_id: uuid.UUID) -> list[AttachmentOut]:
        return [AttachmentOut.of(a) for a in await services.attachments_of(session, wo_id)]

    @get("/{wo_id:uuid}/attachments/{attachment_id:uuid}")
    async def download(
        self, session: AsyncSession, settings: Settings, wo_id: uuid.UUID, attachment_id: uuid.UUID
    ) -> File:
        attachment, path = await services.get_attachment(
            session, wo_id, attachment_id, settings.attachments_dir
        )
        return File(
            path=path,
            filename=attachment.filename,
            media_type=attachment.content_type,
            content_disposition_type="inline",
            headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
        )
