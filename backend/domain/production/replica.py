"""What production replicates to devices: the production orders of their sites (operators'
tablets show what runs on their line)."""

from __future__ import annotations

from backend.db.replica import Replica, Replicated
from backend.domain.production.models import ProductionOrder

PRODUCTION_ORDER = "production_order"

_FIELDS = (
    "id site_id number product_id routing_id line_id quantity due_date status released_at "
    "started_at completed_at closed_at cancelled_at cancel_reason updated_at"
).split()

REPLICA = Replica(
    tables=(
        Replicated(
            entity=PRODUCTION_ORDER,
            model=ProductionOrder,
            fields={name: getattr(ProductionOrder, name) for name in _FIELDS},
            key=(ProductionOrder.id,),
            site=ProductionOrder.site_id,
            stamp=ProductionOrder.updated_at,
        ),
    )
)
