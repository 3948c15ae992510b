"""HTTP endpoints of the inventory context, under `/api/inventory`."""

from __future__ import annotations

from typing import Any

from backend.domain.inventory.controller._catalog import BinController, PartController, StoreroomController
from backend.domain.inventory.controller._stock import StockController

CONTROLLERS: list[Any] = [PartController, StoreroomController, BinController, StockController]

__all__ = ["CONTROLLERS", "BinController", "PartController", "StockController", "StoreroomController"]
