"""HTTP endpoints for parts, storerooms and bins, their stock and their QR labels."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets import labels
from backend.domain.inventory import services
from backend.domain.inventory.controller._out import bin_label_url, bin_out, part_label_url, part_out
from backend.domain.inventory.rules import MovementKind
from backend.domain.inventory.schemas import (
    BinCreate,
    BinOut,
    BinUpdate,
    MovementOut,
    PartCreate,
    PartOut,
    PartUpdate,
    ReorderPointOut,
    ReorderPointSet,
    StockLine,
    StoreroomCreate,
    StoreroomOut,
    StoreroomUpdate,
)
from backend.domain.people.roles import Actor
from backend.settings import Settings


class PartController(Controller):
    path = "/api/inventory/parts"
    tags = ["inventory"]

    @get("/")
    async def list_parts(
        self,
        session: AsyncSession,
        settings: Settings,
        site_id: uuid.UUID | None = None,
        q: str | None = Parameter(default=None, max_length=100),
        critical: bool | None = None,
        include_inactive: bool = False,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[PartOut]:
        rows = await services.list_parts(
            session,
            site_id=site_id,
            q=q,
            critical=critical,
            include_inactive=include_inactive,
            limit=limit,
            offset=offset,
        )
        return [part_out(p, settings) for p in rows]

    @post("/")
    async def create_part(
        self, session: AsyncSession, actor: Actor, settings: Settings, data: PartCreate
    ) -> PartOut:
        return part_out(await services.create_part(session, actor, data), settings)

    @get("/{part_id:uuid}")
    async def get_part(self, session: AsyncSession, settings: Settings, part_id: uuid.UUID) -> PartOut:
        return part_out(await services.get_part(session, part_id), settings)

    @patch("/{part_id:uuid}")
    async def update_part(
        self, session: AsyncSession, actor: Actor, settings: Settings, part_id: uuid.UUID, data: PartUpdate
    ) -> PartOut:
        return part_out(await services.update_part(session, actor, part_id, data), settings)

    @delete("/{part_id:uuid}")
    async def delete_part(self, session: AsyncSession, actor: Actor, part_id: uuid.UUID) -> None:
        await services.delete_part(session, actor, part_id)

    @get("/{part_id:uuid}/stock")
    async def stock(self, session: AsyncSession, part_id: uuid.UUID) -> list[StockLine]:
        part = await services.get_part(session, part_id)
        return await services.stock_lines(session, part_id=part.id)

    @get("/{part_id:uuid}/movements")
    async def movements(
        self,
        session: AsyncSession,
        part_id: uuid.UUID,
        bin_id: uuid.UUID | None = None,
        kind: MovementKind | None = None,
        work_order_id: uuid.UUID | None = None,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[MovementOut]:
        rows = await services.list_movements(
            session,
            part_id,
            bin_id=bin_id,
            kind=kind,
            work_order_id=work_order_id,
            limit=limit,
            offset=offset,
        )
        return [MovementOut.of(m) for m in rows]

    @get("/{part_id:uuid}/reorder-points")
    async def reorder_points(self, session: AsyncSession, part_id: uuid.UUID) -> list[ReorderPointOut]:
        return [ReorderPointOut.of(r) for r in await services.list_reorder_points(session, part_id)]

    @put("/{part_id:uuid}/reorder-points/{storeroom_id:uuid}")
    async def set_reorder_point(
        self,
        session: AsyncSession,
        actor: Actor,
        part_id: uuid.UUID,
        storeroom_id: uuid.UUID,
        data: ReorderPointSet,
    ) -> ReorderPointOut:
        row = await services.set_reorder_point(session, actor, part_id, storeroom_id, data)
        return ReorderPointOut.of(row)

    @delete("/{part_id:uuid}/reorder-points/{storeroom_id:uuid}")
    async def delete_reorder_point(
        self, session: AsyncSession, actor: Actor, part_id: uuid.UUID, storeroom_id: uuid.UUID
    ) -> None:
        await services.delete_reorder_point(session, actor, part_id, storeroom_id)

    @get("/{part_id:uuid}/label.png", media_type="image/png")
    async def label_png(
        self, session: AsyncSession, settings: Settings, part_id: uuid.UUID
    ) -> Response[bytes]:
        part = await services.get_part(session, part_id)
        return Response(labels.label_png(part_label_url(settings, part.label_token)), media_type="image/png")

    @get("/{part_id:uuid}/label.svg", media_type="image/svg+xml")
    async def label_svg(self, session: AsyncSession, settings: Settings, part_id: uuid.UUID) -> Response[str]:
        part = await services.get_part(session, part_id)
        svg = labels.label_svg(part_label_url(settings, part.label_token), part.number, part.name)
        return Response(svg, media_type="image/svg+xml")


class StoreroomController(Controller):
    path = "/api/inventory/storerooms"
    tags = ["inventory"]

    @get("/")
    async def list_storerooms(
        self, session: AsyncSession, site_id: uuid.UUID | None = None, include_inactive: bool = False
    ) -> list[StoreroomOut]:
        rows = await services.list_storerooms(session, site_id=site_id, include_inactive=include_inactive)
        return [StoreroomOut.of(r) for r in rows]

    @post("/")
    async def create_storeroom(
        self, session: AsyncSession, actor: Actor, data: StoreroomCreate
    ) -> StoreroomOut:
        return StoreroomOut.of(await services.create_storeroom(session, actor, data))

    @get("/{storeroom_id:uuid}")
    async def get_storeroom(self, session: AsyncSession, storeroom_id: uuid.UUID) -> StoreroomOut:
        return StoreroomOut.of(await services.get_storeroom(session, storeroom_id))

    @patch("/{storeroom_id:uuid}")
    async def update_storeroom(
        self, session: AsyncSession, actor: Actor, storeroom_id: uuid.UUID, data: StoreroomUpdate
    ) -> StoreroomOut:
        return StoreroomOut.of(await services.update_storeroom(session, actor, storeroom_id, data))

    @get("/{storeroom_id:uuid}/stock")
    async def stock(self, session: AsyncSession, storeroom_id: uuid.UUID) -> list[StockLine]:
        room = await services.get_storeroom(session, storeroom_id)
        return await services.stock_lines(session, storeroom_id=room.id)

    @get("/{storeroom_id:uuid}/bins")
    async def list_bins(
        self,
        session: AsyncSession,
        settings: Settings,
        storeroom_id: uuid.UUID,
        include_inactive: bool = False,
    ) -> list[BinOut]:
        rows = await services.list_bins(session, storeroom_id, include_inactive=include_inactive)
        return [bin_out(b, settings) for b in rows]

    @post("/{storeroom_id:uuid}/bins")
    async def create_bin(
        self,
        session: AsyncSession,
        actor: Actor,
        settings: Settings,
        storeroom_id: uuid.UUID,
        data: BinCreate,
    ) -> BinOut:
        return bin_out(await services.create_bin(session, actor, storeroom_id, data), settings)


class BinController(Controller):
    path = "/api/inventory/bins"
    tags = ["inventory"]

    @get("/{bin_id:uuid}")
    async def get_bin(self, session: AsyncSession, settings: Settings, bin_id: uuid.UUID) -> BinOut:
        return bin_out(await services.get_bin(session, bin_id), settings)

    @patch("/{bin_id:uuid}")
    async def update_bin(
        self, session: AsyncSession, actor: Actor, settings: Settings, bin_id: uuid.UUID, data: BinUpdate
    ) -> BinOut:
        return bin_out(await services.update_bin(session, actor, bin_id, data), settings)

    @get("/{bin_id:uuid}/stock")
    async def stock(self, session: AsyncSession, bin_id: uuid.UUID) -> list[StockLine]:
        bin_ = await services.get_bin(session, bin_id)
        return await services.stock_lines(session, bin_id=bin_.id)

    @get("/{bin_id:uuid}/label.png", media_type="image/png")
    async def label_png(
        self, session: AsyncSession, settings: Settings, bin_id: uuid.UUID
    ) -> Response[bytes]:
        bin_ = await services.get_bin(session, bin_id)
        return Response(labels.label_png(bin_label_url(settings, bin_.label_token)), media_type="image/png")

    @get("/{bin_id:uuid}/label.svg", media_type="image/svg+xml")
    async def label_svg(self, session: AsyncSession, settings: Settings, bin_id: uuid.UUID) -> Response[str]:
        bin_ = await services.get_bin(session, bin_id)
        room = await services.get_storeroom(session, bin_.storeroom_id)
        svg = labels.label_svg(bin_label_url(settings, bin_.label_token), bin_.code, room.name)
        return Response(svg, media_type="image/svg+xml")
