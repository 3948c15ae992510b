"""HTTP endpoints of the maintenance context: thin translation to and from the services."""

from backend.domain.maintenance.controller.attachments import AttachmentController
from backend.domain.maintenance.controller.catalog import ChecklistTemplateController, FailureCodeController
from backend.domain.maintenance.controller.execution import WorkOrderExecutionController
from backend.domain.maintenance.controller.reliability import ReliabilityController
from backend.domain.maintenance.controller.work_orders import WorkOrderController

CONTROLLERS = [
    WorkOrderController,
    WorkOrderExecutionController,
    AttachmentController,
    ChecklistTemplateController,
    FailureCodeController,
    ReliabilityController,
]

__all__ = [
    "CONTROLLERS",
    "AttachmentController",
    "ChecklistTemplateController",
    "FailureCodeController",
    "ReliabilityController",
    "WorkOrderController",
    "WorkOrderExecutionController",
]
