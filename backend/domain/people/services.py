"""People rules: users and their sites, login with rate limiting, device tokens, revocation."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import timedelta

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.people.models import Device, LoginAttempt, Site, User, UserSite
from backend.domain.people.passwords import hash_password, verify_password
from backend.domain.people.roles import ADMIN_ROLES, Actor, Role
from backend.domain.people.schemas import LoginRequest, UserCreate, UserUpdate
from backend.lib.clock import Clock, utcnow
from backend.lib.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from backend.lib.ids import new_token

LOGIN_WINDOW = timedelta(minutes=1)
# Seen-at updates are throttled so authenticated reads stay reads.
SEEN_RESOLUTION = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def sites_of(session: AsyncSession, site_ids: Sequence[uuid.UUID]) -> list[Site]:
    if not site_ids:
        return []
    rows = await session.execute(select(Site).where(Site.id.in_(site_ids)).order_by(Site.code))
    return list(rows.scalars())


async def _check_sites(session: AsyncSession, actor: Actor, site_ids: Sequence[uuid.UUID]) -> None:
    found = {s.id for s in await sites_of(session, site_ids)}
    for sid in site_ids:
        if sid not in found or not actor.can_see_site(sid):
            raise ValidationFailed("site_ids", f"no such site: {sid}")


async def create_user(
    session: AsyncSession, actor: Actor | None, data: UserCreate, *, is_demo: bool = False
) -> User:
    """Create a user; `actor=None` is the CLI/bootstrap path, which may grant any site."""
    if actor is not None:
        actor.require_role(ADMIN_ROLES, "create users")
        await _check_sites(session, actor, data.site_ids)
    elif len(await sites_of(session, data.site_ids)) != len(set(data.site_ids)):
        raise ValidationFailed("site_ids", "no such site")
    exists = await session.execute(select(User.id).where(User.username == data.username))
    if exists.first() is not None:
        raise ValidationFailed("username", f"username {data.username!r} is taken")
    user = User(
        username=data.username,
        display_name=data.display_name,
        email=data.email,
        password_hash=hash_password(data.password),
        role=data.role.value,
        is_demo=is_demo,
        hourly_rate=data.hourly_rate,
    )
    user.site_links = [UserSite(site_id=s) for s in dict.fromkeys(data.site_ids)]
    session.add(user)
    await session.flush()
    return user


async def get_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> User:
    """Users are visible to an actor who shares at least one site with them."""
    user = await session.get(User, user_id)
    if user is None or not (user.site_ids & actor.site_ids):
        raise NotFound("user not found")
    return user


async def list_users(session: AsyncSession, actor: Actor, *, role: Role | None = None) -> list[User]:
    stmt = (
        select(User)
        .join(UserSite, UserSite.user_id == User.id)
        .where(UserSite.site_id.in_(actor.site_ids))
        .distinct()
        .order_by(User.username)
    )
    if role is not None:
        stmt = stmt.where(User.role == role.value)
    return list((await session.execute(stmt)).scalars())


async def update_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID, data: UserUpdate) -> User:
    actor.require_role(ADMIN_ROLES, "edit users")
    user = await get_user(session, actor, user_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "site_ids" in changes:
        await _check_sites(session, actor, changes["site_ids"])
        user.site_links = [UserSite(site_id=s) for s in dict.fromkeys(changes.pop("site_ids"))]
    for key, value in changes.items():
        setattr(user, key, value.value if isinstance(value, Role) else value)
    if changes.get("active") is False:
        await _revoke_all(session, user.id)
    await session.flush()
    return user


async def _revoke_all(session: AsyncSession, user_id: uuid.UUID) -> None:
    """A deactivated user's devices stop working at once."""
    for device in (await session.execute(select(Device).where(Device.user_id == user_id))).scalars():
        if device.revoked_at is None:
            device.revoked_at = utcnow()


async def _too_many_attempts(
    session: AsyncSession, clock: Clock, username: str, client: str, limit: int
) -> bool:
    since = clock.now() - LOGIN_WINDOW
    by_user = await session.scalar(
        select(func.count()).where(LoginAttempt.username == username, LoginAttempt.at >= since)
    )
    by_client = await session.scalar(
        select(func.count()).where(LoginAttempt.client == client, LoginAttempt.at >= since)
    )
    return (by_user or 0) >= limit or (by_client or 0) >= limit * 3


async def login(
    session: AsyncSession, clock: Clock, data: LoginRequest, *, client: str, limit: int
) -> tuple[User, Device, str]:
    """Check the password and mint a device token; failures are counted per user and per client."""
    username = data.username.strip().lower()
    if await _too_many_attempts(session, clock, username, client, limit):
        raise TooManyRequests("too many failed logins; wait a minute and try again", retry_after=60)
    user = (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, data.password)
    if user is None or not ok or not user.active:
        session.add(LoginAttempt(username=username, client=client, at=clock.now()))
        await session.flush()
        raise Unauthorized("unknown user or wrong password")
    await session.execute(
        delete(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.at < clock.now() - LOGIN_WINDOW
        )
    )
    token = new_token()
    device = Device(
        user_id=user.id,
        name=data.device_name,
        kind=data.device_kind,
        token_hash=token_hash(token),
        last_seen_at=clock.now(),
    )
    session.add(device)
    await session.flush()
    return user, device, token


async def authenticate(session: AsyncSession, clock: Clock, token: str) -> Actor | None:
    """Resolve a bearer token to its actor; revoked devices and inactive users get nothing."""
    row = (
        await session.execute(
            select(Device, User)
            .join(User, User.id == Device.user_id)
            .where(Device.token_hash == token_hash(token))
        )
    ).first()
    if row is None:
        return None
    device, user = row
    if device.revoked_at is not None or not user.active:
        return None
    now = clock.now()
    if device.last_seen_at is None or now - device.last_seen_at > SEEN_RESOLUTION:
        device.last_seen_at = now
        session.info["audit_off"] = True
        try:
            await session.flush()
        finally:
            session.info.pop("audit_off", None)
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        site_ids=user.site_ids,
        device_id=device.id,
    )


async def list_devices(session: AsyncSession, actor: Actor, user_id: uuid.UUID | None = None) -> list[Device]:
    target = user_id or actor.user_id
    if target != actor.user_id:
        actor.require_role(ADMIN_ROLES, "see other users' devices")
        await get_user(session, actor, target)
    rows = await session.execute(select(Device).where(Device.user_id == target).order_by(Device.created_at))
    return list(rows.scalars())


async def revoke_device(session: AsyncSession, actor: Actor, clock: Clock, device_id: uuid.UUID) -> Device:
    device = await session.get(Device, device_id)
    if device is None:
        raise NotFound("device not found")
    if device.user_id != actor.user_id:
        if actor.role not in ADMIN_ROLES:
            raise NotFound("device not found")
        await get_user(session, actor, device.user_id)
    if device.revoked_at is not None:
        raise Conflict("device is already revoked")
    device.revoked_at = clock.now()
    await session.flush()
    return device
