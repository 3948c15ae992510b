"""What downtime replicates to devices: the stops of their sites (so an operator can name a
reason offline) and each site's reason tree. A stop's reason is a merged field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from backend.db.replica import Replica, Replicated
from backend.domain.downtime.models import DowntimeEvent, DowntimeReason

DOWNTIME_EVENT = "downtime_event"
DOWNTIME_REASON = "downtime_reason"


def _columns(model: type[Any], names: str) -> dict[str, ColumnElement[Any]]:
    return {name: getattr(model, name) for name in names.split()}


REPLICA = Replica(
    tables=(
        Replicated(
            entity=DOWNTIME_EVENT,
            model=DowntimeEvent,
            fields=_columns(
                DowntimeEvent,
                "id site_id asset_id started_at ended_at fault_code reason_code reason_label "
                "reason_source work_order_id version",
            ),
            key=(DowntimeEvent.id,),
            site=DowntimeEvent.site_id,
            version=DowntimeEvent.version,
            tracked={"reason_code": ("reason_code",)},
        ),
        Replicated(
            entity=DOWNTIME_REASON,
            model=DowntimeReason,
            fields=_columns(DowntimeReason, "id site_id code label category parent_id active"),
            key=(DowntimeReason.id,),
            site=DowntimeReason.site_id,
            stamp=DowntimeReason.updated_at,
        ),
    )
)
