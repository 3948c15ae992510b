"""Factories for the on-call rota and push subscriptions."""

from __future__ import annotations

from datetime import datetime

from backend.domain.assets.models import Asset
from backend.domain.oncall import services as oncall
from backend.domain.oncall.models import OnCallShift
from backend.domain.oncall.schemas import OnCallCreate
from backend.domain.people.models import Device, Site, User
from backend.domain.people.roles import Actor, Role
from backend.domain.people.services import token_hash
from backend.domain.push import services as push
from backend.domain.push.models import PushSubscription
from backend.domain.push.schemas import SubscriptionCreate, SubscriptionKeys
from backend.lib.ids import new_token
from tests.factories import Factory, admin_actor
from tests.support.push_service import BrowserSubscription


async def on_call(
    factory: Factory,
    site: Site,
    user: User,
    *,
    starts_at: datetime,
    ends_at: datetime,
    area: Asset | None = None,
    note: str | None = None,
) -> OnCallShift:
    """A rota entry, through the rota's own rules."""
    data = OnCallCreate(
        site_id=site.id,
        user_id=user.id,
        starts_at=starts_at,
        ends_at=ends_at,
        area_id=area.id if area else None,
        note=note,
    )
    shift = await oncall.add_shift(factory.session, admin_actor(site), data)
    await factory.commit()
    return shift


async def device(factory: Factory, user: User, *, name: str = "phone") -> tuple[Device, str]:
    """A device of `user` and its bearer token."""
    token = new_token()
    row = Device(user_id=user.id, name=name, kind="phone", token_hash=token_hash(token))
    factory.session.add(row)
    await factory.commit()
    return row, token


async def subscription(
    factory: Factory, user: User, browser: BrowserSubscription, *, on: Device | None = None
) -> PushSubscription:
    """`browser`'s subscription registered for `user` (on a new device unless `on` is given)."""
    if on is None:
        on, _token = await device(factory, user)
    actor = Actor(
        user_id=user.id, username=user.username, role=Role(user.role), site_ids=user.site_ids, device_id=on.id
    )
    data = SubscriptionCreate(
        endpoint=browser.endpoint, keys=SubscriptionKeys(p256dh=browser.p256dh, auth=browser.auth)
    )
    sub, _created = await push.register(factory.session, actor, data, allow_http=True)
    await factory.commit()
    return sub
