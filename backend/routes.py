"""Every controller the API mounts. A new bounded context adds its controllers here."""

from __future__ import annotations

from typing import Any

from backend.domain.assets.controller import AssetController
from backend.domain.audit.controller import AuditController
from backend.domain.downtime.controller import DowntimeController
from backend.domain.genealogy.controller import CONTROLLERS as GENEALOGY_CONTROLLERS
from backend.domain.inventory.controller import CONTROLLERS as INVENTORY_CONTROLLERS
from backend.domain.machines.controller import CollectorController, MachineController
from backend.domain.maintenance.controller import CONTROLLERS as MAINTENANCE_CONTROLLERS
from backend.domain.meters.controller import CONTROLLERS as METER_CONTROLLERS
from backend.domain.oee.controller import CalendarController, OeeController
from backend.domain.oncall.controller import OnCallController
from backend.domain.people.controller import AuthController, DeviceController, SiteController, UserController
from backend.domain.pm.controller import CONTROLLERS as PM_CONTROLLERS
from backend.domain.production.controller import CONTROLLERS as PRODUCTION_CONTROLLERS
from backend.domain.push.controller import PushController
from backend.domain.quality.controller import CONTROLLERS as QUALITY_CONTROLLERS
from backend.ingest.controller import IngestController
from backend.replication.controller import SyncController
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
    DowntimeController,
    OeeController,
    CalendarController,
    *MAINTENANCE_CONTROLLERS,
    *INVENTORY_CONTROLLERS,
    PushController,
    OnCallController,
    *PRODUCTION_CONTROLLERS,
    *QUALITY_CONTROLLERS,
    *GENEALOGY_CONTROLLERS,
    *PM_CONTROLLERS,
    *METER_CONTROLLERS,
    SyncController,
]
