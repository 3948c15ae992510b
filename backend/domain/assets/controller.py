"""HTTP endpoints for the asset register and its QR labels."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets import labels, services
from backend.domain.assets.models import Asset
from backend.domain.assets.rules import Level
from backend.domain.assets.schemas import AssetCreate, AssetMove, AssetNode, AssetOut, AssetUpdate
from backend.domain.people.roles import Actor
from backend.lib.clock import Clock
from backend.lib.errors import ValidationFailed
from backend.settings import Settings


def asset_out(asset: Asset, settings: Settings) -> AssetOut:
    return AssetOut.of(asset, label_url=labels.label_url(settings.public_base_url, asset.label_token))


class AssetController(Controller):
    path = "/api/assets"
    tags = ["assets"]

    @get("/")
    async def list_assets(
        self,
        session: AsyncSession,
        actor: Actor,
        settings: Settings,
        site_id: uuid.UUID | None = None,
        q: str | None = Parameter(default=None, max_length=100),
        level: Level | None = None,
        under: uuid.UUID | None = None,
        include_retired: bool = False,
        limit: int = Parameter(default=200, ge=1, le=1000),
        offset: int = Parameter(default=0, ge=0),
    ) -> list[AssetOut]:
        rows = await services.list_assets(
            session,
            actor,
            site_id=site_id,
            q=q,
            level=level,
            under=under,
            include_retired=include_retired,
            limit=limit,
            offset=offset,
        )
        return [asset_out(a, settings) for a in rows]

    @post("/")
    async def create_asset(
        self, session: AsyncSession, actor: Actor, settings: Settings, data: AssetCreate
    ) -> AssetOut:
        return asset_out(await services.create_asset(session, actor, data), settings)

    @get("/tree")
    async def tree(self, session: AsyncSession, actor: Actor, site_id: uuid.UUID) -> list[AssetNode]:
        actor.require_site(site_id)
        rows = await services.list_assets(session, actor, site_id=site_id, limit=100_000)
        return services.build_tree(rows)

    @get("/by-label/{token:str}")
    async def by_label(self, session: AsyncSession, settings: Settings, token: str) -> AssetOut:
        return asset_out(await services.get_by_label(session, token), settings)

    @get("/{asset_id:uuid}")
    async def get_asset(self, session: AsyncSession, settings: Settings, asset_id: uuid.UUID) -> AssetOut:
        return asset_out(await services.get_asset(session, asset_id), settings)

    @patch("/{asset_id:uuid}")
    async def update_asset(
        self, session: AsyncSession, actor: Actor, settings: Settings, asset_id: uuid.UUID, data: AssetUpdate
    ) -> AssetOut:
        return asset_out(await services.update_asset(session, actor, asset_id, data), settings)

    @post("/{asset_id:uuid}/move", status_code=200)
    async def move_asset(
        self, session: AsyncSession, actor: Actor, settings: Settings, asset_id: uuid.UUID, data: AssetMove
    ) -> AssetOut:
        return asset_out(await services.move_asset(session, actor, asset_id, data), settings)

    @post("/{asset_id:uuid}/retire", status_code=200)
    async def retire_asset(
        self, session: AsyncSession, actor: Actor, clock: Clock, settings: Settings, asset_id: uuid.UUID
    ) -> AssetOut:
        return asset_out(await services.retire_asset(session, actor, asset_id, clock), settings)

    @get("/{asset_id:uuid}/subtree")
    async def subtree(self, session: AsyncSession, settings: Settings, asset_id: uuid.UUID) -> list[AssetOut]:
        root = await services.get_asset(session, asset_id)
        return [asset_out(a, settings) for a in await services.subtree(session, root)]

    @get("/{asset_id:uuid}/label.png", media_type="image/png")
    async def label_png(
        self, session: AsyncSession, settings: Settings, asset_id: uuid.UUID
    ) -> Response[bytes]:
        asset = await services.get_asset(session, asset_id)
        url = labels.label_url(settings.public_base_url, asset.label_token)
        return Response(labels.label_png(url), media_type="image/png")

    @get("/{asset_id:uuid}/label.svg", media_type="image/svg+xml")
    async def label_svg(
        self, session: AsyncSession, settings: Settings, asset_id: uuid.UUID
    ) -> Response[str]:
        asset = await services.get_asset(session, asset_id)
        url = labels.label_url(settings.public_base_url, asset.label_token)
        return Response(labels.label_svg(url, asset.code, asset.name), media_type="image/svg+xml")

    @get("/{asset_id:uuid}/labels.svg", media_type="image/svg+xml")
    async def label_sheet(
        self,
        session: AsyncSession,
        settings: Settings,
        asset_id: uuid.UUID,
        page: int = Parameter(default=1, ge=1),
    ) -> Response[str]:
        """An A4 sheet of labels for the asset's subtree (15 a page; `page` picks one)."""
        root = await services.get_asset(session, asset_id)
        pages = labels.label_sheet_svg(settings.public_base_url, await services.subtree(session, root))
        if page > len(pages):
            raise ValidationFailed("page", f"the sheet has {len(pages)} page(s)")
        return Response(
            pages[page - 1],
            media_type="image/svg+xml",
            headers={"X-Total-Pages": str(len(pages))},
        )
