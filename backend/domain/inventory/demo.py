"""Demo spare parts: a main storeroom per site with bins, common MRO parts, opening stock and
reorder points (a few parts start at or below their reorder point so suggestions show)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.inventory import services
from backend.domain.inventory.schemas import (
    BinCreate,
    PartCreate,
    ReceiptCreate,
    ReorderPointSet,
    StoreroomCreate,
)
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role
from backend.lib.clock import SystemClock

ORDER = 10

BINS = ("A-01", "A-02", "A-03", "B-01", "B-02", "C-01")

# number, name, unit, unit cost, supplier, critical, bin, opening stock, reorder point, reorder quantity
PARTS: tuple[tuple[str, str, str, float, str, bool, str, float, float, float], ...] = (
    ("BRG-6205", "Ball bearing 6205-2RS", "each", 7.90, "SKF", True, "A-01", 12, 4, 12),
    ("BRG-6308", "Ball bearing 6308-2Z", "each", 18.40, "SKF", True, "A-01", 2, 3, 6),
    ("BRG-22210", "Spherical roller bearing 22210 E", "each", 96.00, "SKF", True, "A-01", 2, 1, 2),
    ("BLT-SPZ1250", "V-belt SPZ 1250", "each", 11.20, "Gates", False, "A-02", 8, 4, 10),
    ("BLT-HTD8M", "Timing belt HTD 8M-1200-30", "each", 64.50, "Gates", False, "A-02", 3, 2, 4),
    ("FLT-HYD10", "Hydraulic filter element 10 µm", "each", 38.00, "Hydac", True, "A-03", 6, 2, 6),
    ("FLT-AIR-F7", "Air filter F7 592x592", "each", 22.70, "Camfil", False, "A-03", 1, 4, 10),
    ("SEAL-NBR-40", "Shaft seal NBR 40x62x8", "each", 4.10, "Freudenberg", False, "B-01", 25, 10, 30),
    ("SEAL-OR-KIT", "O-ring assortment NBR 70", "kit", 29.90, "Trelleborg", False, "B-01", 3, 1, 2),
    ("SNS-PROX-M12", "Inductive proximity sensor M12 PNP", "each", 41.00, "ifm", True, "B-02", 5, 2, 4),
    ("SNS-PT100", "PT100 temperature probe 6 mm", "each", 57.50, "WIKA", False, "B-02", 4, 1, 3),
    ("SNS-VIB-ACC", "Vibration sensor 100 mV/g", "each", 189.00, "SKF", True, "B-02", 1, 1, 2),
    ("CLT-EMUL-5", "Coolant emulsion concentrate", "l", 6.80, "Blaser", False, "C-01", 120, 60, 200),
    ("LUB-GREASE-LGEP2", "Bearing grease LGEP 2", "kg", 14.30, "SKF", False, "C-01", 9, 5, 10),
    ("FUS-10A-GG", "Fuse 10 A gG 10x38", "each", 1.60, "Siemens", False, "C-01", 40, 20, 50),
)


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    clock = SystemClock()
    actor = Actor(
        user_id=uuid.UUID(int=0),
        username="seed",
        role=Role.ADMIN,
        site_ids=frozenset(s.id for s in sites_by_code.values()),
    )
    for _code, site in sorted(sites_by_code.items()):
        room = await services.create_storeroom(
            session,
            actor,
            StoreroomCreate(site_id=site.id, code="MAIN", name=f"{site.name} main store"),
        )
        bins = {b: (await services.create_bin(session, actor, room.id, BinCreate(code=b))).id for b in BINS}
        for number, name, unit, cost, supplier, critical, bin_code, stock, point, quantity in PARTS:
            part = await services.create_part(
                session,
                actor,
                PartCreate(
                    site_id=site.id,
                    number=number,
                    name=name,
                    unit=unit,
                    unit_cost=cost,
                    supplier=supplier,
                    critical=critical,
                ),
            )
            await services.receive(
                session,
                actor,
                ReceiptCreate(part_id=part.id, bin_id=bins[bin_code], quantity=stock, note="opening stock"),
                clock,
            )
            await services.set_reorder_point(
                session,
                actor,
                part.id,
                room.id,
                ReorderPointSet(reorder_point=point, reorder_quantity=quantity),
            )
