"""HTTP endpoints for login, logout, the current user, users, devices and sites."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people import services
from backend.domain.people.models import Device, User
from backend.domain.people.roles import ADMIN_ROLES, Actor, Role
from backend.domain.people.schemas import (
    DeviceOut,
    LoginRequest,
    LoginResponse,
    SiteOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from backend.lib.clock import Clock
from backend.settings import Settings
from backend.web.auth import requires


def user_out(user: User) -> UserOut:
    return UserOut.of(user, site_ids=sorted(user.site_ids))


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=200, exclude_from_auth=True)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: LoginRequest,
        db_session: AsyncSession,
        clock: Clock,
        settings: Settings,
    ) -> LoginResponse:
        client = request.client.host if request.client else "unknown"
        try:
            user, device, token = await services.login(
                db_session, clock, data, client=client, limit=settings.login_attempts_per_minute
            )
        except Exception:
            await db_session.commit()  # keep the failed attempt: it feeds the rate limit
            raise
        sites = await services.sites_of(db_session, sorted(user.site_ids))
        return LoginResponse(
            token=token, device_id=device.id, user=user_out(user), sites=[SiteOut.of(s) for s in sites]
        )

    @post("/logout", status_code=204)
    async def logout(self, session: AsyncSession, actor: Actor, clock: Clock) -> None:
        assert actor.device_id is not None
        await services.revoke_device(session, actor, clock, actor.device_id)

    @get("/me")
    async def me(self, session: AsyncSession, actor: Actor) -> LoginResponse:
        user = await services.get_user(session, actor, actor.user_id)
        sites = await services.sites_of(session, sorted(actor.site_ids))
        return LoginResponse(
            token="",
            device_id=actor.device_id or uuid.UUID(int=0),
            user=user_out(user),
            sites=[SiteOut.of(s) for s in sites],
        )


class SiteController(Controller):
    path = "/api/sites"
    tags = ["people"]

    @get("/")
    async def list_sites(self, session: AsyncSession, actor: Actor) -> list[SiteOut]:
        return [SiteOut.of(s) for s in await services.sites_of(session, sorted(actor.site_ids))]


class UserController(Controller):
    path = "/api/users"
    tags = ["people"]

    @get("/")
    async def list_users(
        self, session: AsyncSession, actor: Actor, role: Role | None = None
    ) -> list[UserOut]:
        return [user_out(u) for u in await services.list_users(session, actor, role=role)]

    @post("/", guards=[requires(*ADMIN_ROLES)])
    async def create_user(self, session: AsyncSession, actor: Actor, data: UserCreate) -> UserOut:
        return user_out(await services.create_user(session, actor, data))

    @get("/{user_id:uuid}")
    async def get_user(self, session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> UserOut:
        return user_out(await services.get_user(session, actor, user_id))

    @patch("/{user_id:uuid}", guards=[requires(*ADMIN_ROLES)])
    async def update_user(
        self, session: AsyncSession, actor: Actor, user_id: uuid.UUID, data: UserUpdate
    ) -> UserOut:
        return user_out(await services.update_user(session, actor, user_id, data))


class DeviceController(Controller):
    path = "/api/devices"
    tags = ["people"]

    @get("/")
    async def list_devices(
        self, session: AsyncSession, actor: Actor, user_id: uuid.UUID | None = Parameter(default=None)
    ) -> list[DeviceOut]:
        return [DeviceOut.of(d) for d in await services.list_devices(session, actor, user_id)]

    @delete("/{device_id:uuid}", status_code=200)
    async def revoke(
        self, session: AsyncSession, actor: Actor, clock: Clock, device_id: uuid.UUID
    ) -> DeviceOut:
        device: Device = await services.revoke_device(session, actor, clock, device_id)
        return DeviceOut.of(device)
