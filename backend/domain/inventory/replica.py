"""What inventory replicates to devices: parts, storerooms and bins to pick from offline, and the
stock balance of each (part, bin) — a counter devices only ever change by deltas."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from backend.db.replica import Replica, Replicated
from backend.domain.inventory.models import Bin, Part, StockBalance, Storeroom
from backend.domain.inventory.rules import tidy

PART = "part"
STOREROOM = "storeroom"
BIN = "bin"
STOCK_BALANCE = "stock_balance"


def _columns(model: type[Any], names: str) -> dict[str, ColumnElement[Any]]:
    return {name: getattr(model, name) for name in names.split()}


def _balance(row: dict[str, Any]) -> None:
    row["id"] = f"{row['part_id']}:{row['bin_id']}"
    row["available"] = tidy(row["on_hand"] - row["reserved"])


REPLICA = Replica(
    tables=(
        Replicated(
            entity=PART,
            model=Part,
            fields=_columns(
                Part,
                "id site_id number name unit unit_cost supplier supplier_part_number critical "
                "description active label_token created_at updated_at",
            ),
            key=(Part.id,),
            site=Part.site_id,
            stamp=Part.updated_at,
        ),
        Replicated(
            entity=STOREROOM,
            model=Storeroom,
            fields=_columns(Storeroom, "id site_id code name description active"),
            key=(Storeroom.id,),
            site=Storeroom.site_id,
            stamp=Storeroom.updated_at,
        ),
        Replicated(
            entity=BIN,
            model=Bin,
            fields=_columns(Bin, "id site_id storeroom_id code description active label_token"),
            key=(Bin.id,),
            site=Bin.site_id,
            stamp=Bin.updated_at,
        ),
        Replicated(
            entity=STOCK_BALANCE,
            model=StockBalance,
            fields=_columns(StockBalance, "site_id part_id bin_id storeroom_id on_hand reserved updated_at"),
            key=(StockBalance.part_id, StockBalance.bin_id),
            site=StockBalance.site_id,
            stamp=StockBalance.updated_at,
            shape=_balance,
        ),
    )
)
