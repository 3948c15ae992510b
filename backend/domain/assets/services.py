"""Asset register rules: create, edit, move without cycles, retire, search, subtrees, label look-up."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import msgspec
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets.models import Asset
from backend.domain.assets.rules import AssetStatus, Level, child_path, is_within, may_contain
from backend.domain.assets.schemas import AssetCreate, AssetMove, AssetNode, AssetUpdate
from backend.domain.people.roles import ASSET_EDIT_ROLES, Actor
from backend.lib.clock import Clock
from backend.lib.errors import Conflict, NotFound, ValidationFailed
from backend.lib.ids import new_token, uuid7


async def get_asset(session: AsyncSession, asset_id: uuid.UUID) -> Asset:
    """The asset if it is in the session's scope; otherwise 404 (never 403)."""
    asset = (await session.execute(select(Asset).where(Asset.id == asset_id))).scalar_one_or_none()
    if asset is None:
        raise NotFound("asset not found")
    return asset


async def get_by_label(session: AsyncSession, token: str) -> Asset:
    asset = (await session.execute(select(Asset).where(Asset.label_token == token))).scalar_one_or_none()
    if asset is None:
        raise NotFound("no asset carries this label")
    return asset


async def get_by_code(session: AsyncSession, site_id: uuid.UUID, code: str) -> Asset:
    stmt = select(Asset).where(Asset.site_id == site_id, Asset.code == code)
    asset = (await session.execute(stmt)).scalar_one_or_none()
    if asset is None:
        raise NotFound(f"no asset with code {code!r}")
    return asset


async def _code_taken(
    session: AsyncSession, site_id: uuid.UUID, code: str, exclude: uuid.UUID | None = None
) -> bool:
    stmt = select(Asset.id).where(Asset.site_id == site_id, Asset.code == code)
    if exclude is not None:
        stmt = stmt.where(Asset.id != exclude)
    return (await session.execute(stmt.execution_options(skip_site_scope=True))).first() is not None


async def create_asset(session: AsyncSession, actor: Actor, data: AssetCreate) -> Asset:
    actor.require_role(ASSET_EDIT_ROLES, "create assets")
    if not actor.can_see_site(data.site_id):
        raise ValidationFailed("site_id", "no such site")
    parent: Asset | None = None
    if data.parent_id is not None:
        try:
            parent = await get_asset(session, data.parent_id)
        except NotFound:
            raise ValidationFailed("parent_id", "no such asset") from None
        if parent.site_id != data.site_id:
            raise ValidationFailed("parent_id", "the parent belongs to another site")
        if parent.retired_at is not None:
            raise ValidationFailed("parent_id", "the parent is retired")
    if not may_contain(Level(parent.level) if parent else None, data.level):
        where = f"a {parent.level}" if parent else "the site"
        raise ValidationFailed("level", f"a {data.level} cannot sit directly under {where}")
    if await _code_taken(session, data.site_id, data.code):
        raise ValidationFailed("code", f"code {data.code!r} is already used on this site")
    asset_id = uuid7()
    asset = Asset(
        id=asset_id,
        site_id=data.site_id,
        parent_id=data.parent_id,
        path=child_path(parent.path if parent else None, str(asset_id)),
        level=data.level.value,
        code=data.code,
        name=data.name,
        asset_class=data.asset_class,
        criticality=data.criticality.value,
        manufacturer=data.manufacturer,
        model=data.model,
        serial=data.serial,
        install_date=data.install_date,
        status=data.status.value,
        label_token=new_token(18),
    )
    session.add(asset)
    await session.flush()
    return asset


async def update_asset(session: AsyncSession, actor: Actor, asset_id: uuid.UUID, data: AssetUpdate) -> Asset:
    actor.require_role(ASSET_EDIT_ROLES, "edit assets")
    asset = await get_asset(session, asset_id)
    if asset.retired_at is not None:
        raise Conflict("a retired asset cannot be edited")
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "code" in changes and await _code_taken(session, asset.site_id, changes["code"], exclude=asset.id):
        raise ValidationFailed("code", f"code {changes['code']!r} is already used on this site")
    if changes.get("status") == AssetStatus.RETIRED:
        raise ValidationFailed("status", "retire an asset with the retire action")
    for key, value in changes.items():
        setattr(asset, key, value.value if hasattr(value, "value") else value)
    await session.flush()
    return asset


async def subtree(session: AsyncSession, root: Asset, *, include_retired: bool = False) -> list[Asset]:
    stmt = select(Asset).where(Asset.site_id == root.site_id, Asset.path.startswith(root.path))
    if not include_retired:
        stmt = stmt.where(Asset.retired_at.is_(None))
    return list((await session.execute(stmt.order_by(Asset.path))).scalars())


async def move_asset(session: AsyncSession, actor: Actor, asset_id: uuid.UUID, data: AssetMove) -> Asset:
    actor.require_role(ASSET_EDIT_ROLES, "move assets")
    asset = await get_asset(session, asset_id)
    parent: Asset | None = None
    if data.parent_id is not None:
        try:
            parent = await get_asset(session, data.parent_id)
        except NotFound:
            raise ValidationFailed("parent_id", "no such asset") from None
        if parent.site_id != asset.site_id:
            raise ValidationFailed("parent_id", "assets move within their site")
        if is_within(parent.path, asset.path):
            raise ValidationFailed("parent_id", "an asset cannot move under itself or its descendants")
    if not may_contain(Level(parent.level) if parent else None, Level(asset.level)):
        where = f"a {parent.level}" if parent else "the site"
        raise ValidationFailed("parent_id", f"a {asset.level} cannot sit directly under {where}")
    old_prefix = asset.path
    new_prefix = child_path(parent.path if parent else None, str(asset.id))
    for row in await subtree(session, asset, include_retired=True):
        row.path = new_prefix + row.path[len(old_prefix) :]
    asset.parent_id = parent.id if parent else None
    await session.flush()
    return asset


async def retire_asset(session: AsyncSession, actor: Actor, asset_id: uuid.UUID, clock: Clock) -> Asset:
    """Soft delete: the asset and its whole subtree leave lists but keep their history."""
    actor.require_role(ASSET_EDIT_ROLES, "retire assets")
    asset = await get_asset(session, asset_id)
    if asset.retired_at is not None:
        raise Conflict("asset is already retired")
    now = clock.now()
    for row in await subtree(session, asset):
        row.retired_at = now
        row.status = AssetStatus.RETIRED.value
    await session.flush()
    return asset


async def list_assets(
    session: AsyncSession,
    actor: Actor,
    *,
    site_id: uuid.UUID | None = None,
    q: str | None = None,
    level: Level | None = None,
    under: uuid.UUID | None = None,
    include_retired: bool = False,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[Asset]:
    stmt = select(Asset)
    if site_id is not None:
        stmt = stmt.where(Asset.site_id == site_id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Asset.code).like(like), func.lower(Asset.name).like(like)))
    if level is not None:
        stmt = stmt.where(Asset.level == level.value)
    if under is not None:
        root = await get_asset(session, under)
        stmt = stmt.where(Asset.path.startswith(root.path))
    if not include_retired:
        stmt = stmt.where(Asset.retired_at.is_(None))
    stmt = stmt.order_by(Asset.site_id, Asset.path).limit(limit).offset(offset)
    return list((await session.execute(stmt)).scalars())


def build_tree(rows: Sequence[Asset]) -> list[AssetNode]:
    nodes = {r.id: AssetNode(id=r.id, code=r.code, name=r.name, level=r.level, status=r.status) for r in rows}
    roots: list[AssetNode] = []
    for r in rows:
        parent = nodes.get(r.parent_id) if r.parent_id else None
        (parent.children if parent else roots).append(nodes[r.id])
    return roots
