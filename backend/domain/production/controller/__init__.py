"""Production HTTP endpoints under /api/production."""

from backend.domain.production.controller._catalog import LineController, ProductController, RoutingController
from backend.domain.production.controller._orders import OperationController, OrderController

CONTROLLERS = [ProductController, RoutingController, LineController, OrderController, OperationController]

__all__ = [
    "CONTROLLERS",
    "LineController",
    "OperationController",
    "OrderController",
    "ProductController",
    "RoutingController",
]
