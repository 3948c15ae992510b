"""Factories for domain rows. Each returns the ORM object, built through the real services."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets import services as asset_services
from backend.domain.assets.models import Asset
from backend.domain.assets.rules import Level
from backend.domain.assets.schemas import AssetCreate
from backend.domain.people.models import Device, Enterprise, Site, User, UserSite
from backend.domain.people.passwords import hash_password
from backend.domain.people.roles import Actor, Role
from backend.domain.people.services import token_hash
from backend.lib.ids import new_token

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_PASSWORD_HASH: str | None = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:  # argon2 is slow on purpose: hash once per test run
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def admin_actor(*sites: Site) -> Actor:
    return Actor(
        user_id=uuid.UUID(int=0), username="factory", role=Role.ADMIN, site_ids=frozenset(s.id for s in sites)
    )


class Factory:
    """Builds rows in a session and commits, so the app under test sees them."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._enterprise: Enterprise | None = None

    async def commit(self) -> None:
        await self.session.commit()

    async def site(self, code: str | None = None, **kw: Any) -> Site:
        if self._enterprise is None:
            self._enterprise = Enterprise(name="Test Enterprise")
            self.session.add(self._enterprise)
            await self.session.flush()
        n = next(_seq)
        site = Site(
            enterprise_id=self._enterprise.id,
            code=code or f"SITE{n}",
            name=kw.pop("name", f"Site {n}"),
            timezone=kw.pop("timezone", "UTC"),
            **kw,
        )
        self.session.add(site)
        await self.session.commit()
        return site

    async def user(
        self, *sites: Site, role: Role | str = Role.TECHNICIAN, username: str | None = None, **kw: Any
    ) -> User:
        n = next(_seq)
        user = User(
            username=username or f"user{n}",
            display_name=kw.pop("display_name", f"User {n}"),
            password_hash=_password_hash(),
            role=Role(role).value,
            **kw,
        )
        user.site_links = [UserSite(site_id=s.id) for s in sites]
        self.session.add(user)
        await self.session.commit()
        return user

    async def token(self, user: User, *, name: str = "test device", kind: str = "phone") -> str:
        """A device token for `user`, as a login would mint it (without the slow password check)."""
        token = new_token()
        self.session.add(Device(user_id=user.id, name=name, kind=kind, token_hash=token_hash(token)))
        await self.session.commit()
        return token

    async def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token(user)}"}

    async def asset(
        self,
        site: Site,
        *,
        level: Level | str = Level.MACHINE,
        parent: Asset | None = None,
        code: str | None = None,
        **kw: Any,
    ) -> Asset:
        """An asset; machines and deeper levels get the parents they need."""
        level = Level(level)
        if parent is None and level is not Level.AREA:
            above = {Level.LINE: Level.AREA, Level.MACHINE: Level.LINE, Level.COMPONENT: Level.MACHINE}[level]
            parent = await self.asset(site, level=above)
        n = next(_seq)
        data = AssetCreate(
            site_id=site.id,
            level=level,
            code=code or f"{level.value[:3].upper()}-{n}",
            name=kw.pop("name", f"{level.value.title()} {n}"),
            parent_id=parent.id if parent else None,
            **kw,
        )
        asset = await asset_services.create_asset(self.session, admin_actor(site), data)
        await self.session.commit()
        return asset
