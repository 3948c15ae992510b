"""HTTP endpoints for products, BOMs, routings and line settings."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.roles import Actor
from backend.domain.production import services
from backend.domain.production.rules import RoutingStatus
from backend.domain.production.schemas import (
    BomLineOut,
    BomReplace,
    LineSettingsIn,
    LineSettingsOut,
    ProductCreate,
    ProductOut,
    ProductUpdate,
    QueueItem,
    RoutingCreate,
    RoutingOperationsReplace,
    RoutingOut,
)
from backend.lib.clock import Clock


class ProductController(Controller):
    path = "/api/production/products"
    tags = ["production"]

    @get("/")
    async def list_products(
        self,
        session: AsyncSession,
        site_id: uuid.UUID | None = None,
        q: str | None = Parameter(default=None, max_length=100),
        include_inactive: bool = False,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[ProductOut]:
        rows = await services.list_products(
            session, site_id=site_id, q=q, include_inactive=include_inactive, limit=limit, offset=offset
        )
        return [ProductOut.of(p) for p in rows]

    @post("/")
    async def create_product(self, session: AsyncSession, actor: Actor, data: ProductCreate) -> ProductOut:
        return ProductOut.of(await services.create_product(session, actor, data))

    @get("/{product_id:uuid}")
    async def get_product(self, session: AsyncSession, product_id: uuid.UUID) -> ProductOut:
        return ProductOut.of(await services.get_product(session, product_id))

    @patch("/{product_id:uuid}")
    async def update_product(
        self, session: AsyncSession, actor: Actor, product_id: uuid.UUID, data: ProductUpdate
    ) -> ProductOut:
        return ProductOut.of(await services.update_product(session, actor, product_id, data))

    @get("/{product_id:uuid}/bom")
    async def get_bom(self, session: AsyncSession, product_id: uuid.UUID) -> list[BomLineOut]:
        return await services.bom_of(session, product_id)

    @put("/{product_id:uuid}/bom")
    async def replace_bom(
        self, session: AsyncSession, actor: Actor, product_id: uuid.UUID, data: BomReplace
    ) -> list[BomLineOut]:
        return await services.replace_bom(session, actor, product_id, data)


class RoutingController(Controller):
    path = "/api/production/routings"
    tags = ["production"]

    @get("/")
    async def list_routings(
        self, session: AsyncSession, product_id: uuid.UUID | None = None, status: RoutingStatus | None = None
    ) -> list[RoutingOut]:
        rows = await services.list_routings(session, product_id=product_id, status=status)
        return [await services.routing_out(session, r) for r in rows]

    @post("/")
    async def create_routing(self, session: AsyncSession, actor: Actor, data: RoutingCreate) -> RoutingOut:
        return await services.routing_out(session, await services.create_routing(session, actor, data))

    @get("/{routing_id:uuid}")
    async def get_routing(self, session: AsyncSession, routing_id: uuid.UUID) -> RoutingOut:
        return await services.routing_out(session, await services.get_routing(session, routing_id))

    @put("/{routing_id:uuid}/operations")
    async def replace_operations(
        self, session: AsyncSession, actor: Actor, routing_id: uuid.UUID, data: RoutingOperationsReplace
    ) -> RoutingOut:
        routing = await services.replace_operations(session, actor, routing_id, data)
        return await services.routing_out(session, routing)

    @post("/{routing_id:uuid}/release", status_code=200)
    async def release_routing(
        self, session: AsyncSession, actor: Actor, clock: Clock, routing_id: uuid.UUID
    ) -> RoutingOut:
        routing = await services.release_routing(session, actor, routing_id, clock)
        return await services.routing_out(session, routing)

    @post("/{routing_id:uuid}/new-version")
    async def new_version(self, session: AsyncSession, actor: Actor, routing_id: uuid.UUID) -> RoutingOut:
        return await services.routing_out(session, await services.new_version(session, actor, routing_id))


class LineController(Controller):
    path = "/api/production/lines"
    tags = ["production"]

    @get("/{line_id:uuid}/settings")
    async def get_settings(self, session: AsyncSession, line_id: uuid.UUID) -> LineSettingsOut:
        return await services.line_settings(session, line_id)

    @put("/{line_id:uuid}/settings")
    async def set_settings(
        self, session: AsyncSession, actor: Actor, line_id: uuid.UUID, data: LineSettingsIn
    ) -> LineSettingsOut:
        return await services.set_line_settings(session, actor, line_id, data)

    @get("/{line_id:uuid}/queue")
    async def queue(self, session: AsyncSession, line_id: uuid.UUID) -> list[QueueItem]:
        """The dispatched queue of the line, for its operators."""
        return await services.line_queue(session, line_id)
