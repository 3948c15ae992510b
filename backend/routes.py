"""Every controller the API mounts. A new bounded context adds its controllers here."""

from __future__ import annotations

from typing import Any

from backend.domain.assets.controller import AssetController
from backend.domain.audit.controller import AuditController
from backend.domain.machines.controller import CollectorController, MachineController
from backend.domain.people.controller import AuthController, DeviceController, SiteController, UserController
from backend.ingest.controller import IngestController
from backend.web.health import HealthController

ROUTE_HANDLERS: list[Any] = [
    HealthController,
    AuthController,
    SiteController,
    UserController,
    DeviceController,
    AssetController,
    AuditController,
    CollectorController,
    MachineController,
    IngestController,
]
