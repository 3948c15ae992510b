"""Fixtures of the push tests: the local push service, and a site with a technician whose phone
is subscribed to it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from backend.domain.assets.models import Asset
from backend.domain.people.models import Device, Site, User
from backend.domain.push.models import PushSubscription
from tests.factories import Factory
from tests.factories import push as push_factory
from tests.support.push_service import BrowserSubscription, LocalPushService, push_service

__all__ = ["push_service"]


@dataclass
class Floor:
    site: Site
    area: Asset
    machine: Asset
    technician: User
    phone: Device
    token: str
    browser: BrowserSubscription
    subscription: PushSubscription

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
async def floor(factory: Factory, push_service: LocalPushService) -> Floor:
    site = await factory.site()
    area = await factory.asset(site, level="area", name="Machining hall")
    line = await factory.asset(site, level="line", parent=area)
    machine = await factory.asset(site, level="machine", parent=line, code="CNC-01", name="CNC mill 1")
    technician = await factory.user(site, role="technician")
    phone, token = await push_factory.device(factory, technician)
    browser = push_service.subscribe()
    subscription = await push_factory.subscription(factory, technician, browser, on=phone)
    return Floor(site, area, machine, technician, phone, token, browser, subscription)
