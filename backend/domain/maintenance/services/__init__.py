"""Every maintenance rule that touches the database. Callers import from here.

`create_work_order`, `assign` and `transition` are also called by PM generation and the closed
loop (with `system_actor(site_ids)`); hooks in `backend.domain.maintenance.events` run inside them.
"""

from backend.domain.maintenance.services._checklists import (
    add_item,
    answer_item,
    checklist_of,
    create_template,
    get_template,
    list_templates,
    missing_required,
    update_template,
)
from backend.domain.maintenance.services._codes import (
    create_failure_code,
    get_failure_code,
    list_failure_codes,
    set_failure_codes,
    update_failure_code,
)
from backend.domain.maintenance.services._common import get_work_order, system_actor
from backend.domain.maintenance.services._labor import (
    add_labor,
    labor_of,
    running_timer,
    start_timer,
    stop_timer,
)
from backend.domain.maintenance.services._notes import (
    PayloadTooLarge,
    UnsupportedMediaType,
    add_attachment,
    add_comment,
    attachment_path,
    attachments_of,
    comments_of,
    get_attachment,
)
from backend.domain.maintenance.services._queries import Filters, list_work_orders, my_work
from backend.domain.maintenance.services._work_orders import (
    assign,
    create_work_order,
    raise_request,
    transition,
)

__all__ = [
    "Filters",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "add_attachment",
    "add_comment",
    "add_item",
    "add_labor",
    "answer_item",
    "assign",
    "attachment_path",
    "attachments_of",
    "checklist_of",
    "comments_of",
    "create_failure_code",
    "create_template",
    "create_work_order",
    "get_attachment",
    "get_failure_code",
    "get_template",
    "get_work_order",
    "labor_of",
    "list_failure_codes",
    "list_templates",
    "list_work_orders",
    "missing_required",
    "my_work",
    "raise_request",
    "running_timer",
    "set_failure_codes",
    "start_timer",
    "stop_timer",
    "system_actor",
    "transition",
    "update_failure_code",
    "update_template",
]
