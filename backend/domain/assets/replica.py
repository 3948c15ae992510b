"""What the asset register replicates to devices: every asset of the device's sites, so a scanned
label resolves offline (the wire shape of the API's asset output, with the label token)."""

from __future__ import annotations

from backend.db.replica import Replica, Replicated
from backend.domain.assets.models import Asset

ASSET = "asset"

_FIELDS = [
    "id",
    "site_id",
    "parent_id",
    "level",
    "code",
    "name",
    "asset_class",
    "criticality",
    "manufacturer",
    "model",
    "serial",
    "install_date",
    "status",
    "label_token",
    "retired_at",
    "created_at",
    "updated_at",
]

REPLICA = Replica(
    tables=(
        Replicated(
            entity=ASSET,
            model=Asset,
            fields={name: getattr(Asset, name) for name in _FIELDS},
            key=(Asset.id,),
            site=Asset.site_id,
            stamp=Asset.updated_at,
        ),
    )
)
