"""Rows to payloads, and the PWA addresses printed in inventory labels."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.models import Bin, Part, StockDiscrepancy, StockReservation
from backend.domain.inventory.schemas import (
    BinOut,
    DiscrepancyOut,
    MovementOut,
    MovementResult,
    PartOut,
    ReservationOut,
)
from backend.domain.inventory.services import Posted
from backend.settings import Settings


def part_label_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/p/{token}"


def bin_label_url(settings: Settings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/b/{token}"


def part_out(part: Part, settings: Settings) -> PartOut:
    return PartOut.of(part, label_url=part_label_url(settings, part.label_token))


def bin_out(bin_: Bin, settings: Settings) -> BinOut:
    return BinOut.of(bin_, label_url=bin_label_url(settings, bin_.label_token))


def reservation_out(row: StockReservation) -> ReservationOut:
    return ReservationOut.of(row)


def discrepancy_out(row: StockDiscrepancy | None) -> DiscrepancyOut | None:
    return None if row is None else DiscrepancyOut.of(row)


async def result_of(session: AsyncSession, posted: Posted) -> MovementResult:
    stock = []
    for movement in posted.movements:
        stock.extend(
            await services.stock_lines(
                session, part_id=movement.part_id, bin_id=movement.bin_id, include_empty=True
            )
        )
    return MovementResult(
        movements=[MovementOut.of(m) for m in posted.movements],
        stock=stock,
        discrepancy=discrepancy_out(posted.discrepancy),
    )
