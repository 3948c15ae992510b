"""Demo production: products with BOMs and routings on the demo lines, inspection plans, defect
codes, supplier lots and released orders waiting in the line queues."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.domain.assets import services as assets
from backend.domain.genealogy import services as genealogy
from backend.domain.genealogy.schemas import LotReceive
from backend.domain.people.models import Site
from backend.domain.people.roles import Actor, Role
from backend.domain.production import services
from backend.domain.production.rules import CountingMode
from backend.domain.production.schemas import (
    BomLineIn,
    BomReplace,
    LineSettingsIn,
    OrderCreate,
    ProductCreate,
    RoutingCreate,
    RoutingOperationIn,
)
from backend.domain.quality import services as quality
from backend.domain.quality.rules import Frequency, Kind
from backend.domain.quality.schemas import CharacteristicIn, DefectCodeCreate, PlanCreate
from backend.lib.clock import SystemClock

ORDER = 30


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    unit: str
    family: str
    purchased: bool = False


# site code → (defect codes by family, items, BOMs, routings, machine-counted lines, lots, orders)
DEFECTS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "NORTH": {
        "machined": [
            ("DIM", "Dimension out of tolerance"),
            ("BURR", "Burr left"),
            ("SCRATCH", "Surface scratch"),
        ],
        "assembly": [("LEAK", "Leak above limit"), ("MISSING", "Missing part"), ("LABEL", "Label defect")],
        "*": [("OTHER", "Other defect")],
    },
    "SOUTH": {
        "moulded": [
            ("SHORT", "Short shot"),
            ("FLASH", "Flash"),
            ("SINK", "Sink mark"),
            ("COLOR", "Colour off"),
        ],
        "printed": [("SMEAR", "Print smeared"), ("OFFSET", "Print offset")],
        "*": [("OTHER", "Other defect")],
    },
}

ITEMS = {
    "NORTH": [
        Item("AL-BAR60", "Aluminium bar Ø60", "kg", "raw", True),
        Item("ST-BAR20", "Steel bar Ø20", "kg", "raw", True),
        Item("SEAL-KIT", "Seal kit", "pcs", "raw", True),
        Item("SCREW-M6", "Screw M6×16", "pcs", "raw", True),
        Item("HOUSING-A", "Pump housing A", "pcs", "machined"),
        Item("SHAFT-20", "Pump shaft Ø20", "pcs", "machined"),
        Item("PUMP-P1", "Pump P1", "pcs", "assembly"),
    ],
    "SOUTH": [
        Item("PP-GRAN", "PP granulate", "kg", "raw", True),
        Item("MB-BLUE", "Blue masterbatch", "kg", "raw", True),
        Item("INK-BLK", "Black pad-printing ink", "l", "raw", True),
        Item("CAP-28", "Cap 28 mm", "pcs", "moulded"),
        Item("CAP-28-P", "Cap 28 mm, printed", "pcs", "printed"),
    ],
}

BOMS: dict[str, dict[str, list[tuple[str, float, int | None]]]] = {
    "NORTH": {
        "HOUSING-A": [("AL-BAR60", 1.2, None)],
        "SHAFT-20": [("ST-BAR20", 0.4, None)],
        "PUMP-P1": [
            ("HOUSING-A", 1, None),
            ("SHAFT-20", 1, None),
            ("SEAL-KIT", 1, None),
            ("SCREW-M6", 4, None),
        ],
    },
    "SOUTH": {
        "CAP-28": [("PP-GRAN", 0.004, None), ("MB-BLUE", 0.0001, None)],
        "CAP-28-P": [("CAP-28", 1, None), ("INK-BLK", 0.00002, None)],
    },
}

# sku → [(seq, name, work center code, ideal cycle s)]
ROUTINGS = {
    "NORTH": {
        "HOUSING-A": [(10, "Mill", "N-CNC-01", 95.0), (20, "Deburr", "N-DEB-01", 30.0)],
        "SHAFT-20": [(10, "Turn", "N-LAT-01", 60.0), (20, "Grind", "N-GRD-01", 45.0)],
        "PUMP-P1": [(10, "Assemble", "N-L3", 75.0), (20, "Leak test", "N-TST-01", 40.0)],
    },
    "SOUTH": {
        "CAP-28": [(10, "Mould", "S-IMM-01", 2.5)],
        "CAP-28-P": [(10, "Print", "S-PRT-01", 1.2), (20, "Vision inspection", "S-INS-01", 0.6)],
    },
}

MACHINE_COUNTED = {"NORTH": ["N-L1"], "SOUTH": ["S-L1"]}

# (number, sku, quantity, supplier, supplier lot)
LOTS = {
    "NORTH": [
        ("AL-2611-01", "AL-BAR60", 500.0, "Hydro Aluminium", "HY-88231"),
        ("AL-2611-02", "AL-BAR60", 500.0, "Hydro Aluminium", "HY-88240"),
        ("ST-2611-01", "ST-BAR20", 200.0, "Ovako", "OV-55102"),
        ("SK-2611-01", "SEAL-KIT", 1000.0, "Freudenberg", "FR-7781"),
        ("SC-2611-01", "SCREW-M6", 10000.0, "Würth", "WU-1200"),
    ],
    "SOUTH": [
        ("PP-2611-01", "PP-GRAN", 1000.0, "Borealis", "BO-4410"),
        ("MB-2611-01", "MB-BLUE", 25.0, "Clariant", "CL-903"),
        ("INK-2611-01", "INK-BLK", 5.0, "Marabu", "MA-12"),
    ],
}

# (sku, quantity, line code, days until due, released)
ORDERS = {
    "NORTH": [
        ("HOUSING-A", 200, "N-L1", 3, True),
        ("SHAFT-20", 300, "N-L2", 3, True),
        ("PUMP-P1", 150, "N-L3", 5, True),
        ("HOUSING-A", 400, "N-L1", 10, False),
    ],
    "SOUTH": [
        ("CAP-28", 50000, "S-L1", 2, True),
        ("CAP-28-P", 20000, "S-L3", 4, True),
    ],
}


def _plans(site_code: str) -> list[tuple[str, int, str, list[CharacteristicIn]]]:
    if site_code == "NORTH":
        return [
            (
                "HOUSING-A",
                10,
                "Housing A: milling",
                [
                    CharacteristicIn(
                        name="Bore diameter",
                        kind=Kind.NUMERIC,
                        nominal=25.0,
                        lower_limit=24.95,
                        upper_limit=25.05,
                        unit="mm",
                        frequency=Frequency.EVERY_N_UNITS,
                        frequency_n=50,
                        subgroup_size=3,
                        defect_code="DIM",
                    ),
                    CharacteristicIn(name="Surface", kind=Kind.PASS_FAIL, defect_code="SCRATCH"),
                ],
            ),
            (
                "PUMP-P1",
                20,
                "Pump P1: leak test",
                [
                    CharacteristicIn(
                        name="Leak rate",
                        kind=Kind.NUMERIC,
                        upper_limit=0.5,
                        unit="mbar·l/s",
                        frequency=Frequency.EVERY_N_UNITS,
                        frequency_n=25,
                        defect_code="LEAK",
                    ),
                    CharacteristicIn(
                        name="Type label",
                        kind=Kind.ATTRIBUTE,
                        options=["ok", "smudged", "missing"],
                        accepted=["ok"],
                        defect_code="LABEL",
                        hold_on_fail=False,
                    ),
                ],
            ),
        ]
    return [
        (
            "CAP-28",
            10,
            "Cap 28: moulding",
            [
                CharacteristicIn(
                    name="Weight",
                    kind=Kind.NUMERIC,
                    nominal=4.0,
                    lower_limit=3.9,
                    upper_limit=4.1,
                    unit="g",
                    frequency=Frequency.EVERY_N_MINUTES,
                    frequency_n=30,
                    subgroup_size=5,
                    defect_code="SHORT",
                ),
                CharacteristicIn(name="Short shot", kind=Kind.PASS_FAIL, defect_code="SHORT"),
            ],
        )
    ]


async def _seed_site(session: AsyncSession, actor: Actor, site: Site) -> None:
    code = site.code
    clock = SystemClock()
    for family, codes in DEFECTS[code].items():
        for defect, name in codes:
            await quality.create_defect_code(
                session, actor, DefectCodeCreate(site_id=site.id, family=family, code=defect, name=name)
            )
    products: dict[str, uuid.UUID] = {}
    for item in ITEMS[code]:
        item_in = ProductCreate(
            site_id=site.id,
            sku=item.sku,
            name=item.name,
            unit=item.unit,
            family=item.family,
            purchased=item.purchased,
        )
        products[item.sku] = (await services.create_product(session, actor, item_in)).id
    for sku, lines in BOMS[code].items():
        bom = [
            BomLineIn(component_id=products[c], qty_per_unit=float(q), operation_seq=s) for c, q, s in lines
        ]
        await services.replace_bom(session, actor, products[sku], BomReplace(lines=bom))
    for sku, ops in ROUTINGS[code].items():
        operations = []
        for seq, name, wc, cycle in ops:
            center = await assets.get_by_code(session, site.id, wc)
            operations.append(
                RoutingOperationIn(seq=seq, name=name, work_center_id=center.id, ideal_cycle_s=cycle)
            )
        routing = await services.create_routing(
            session, actor, RoutingCreate(product_id=products[sku], operations=operations)
        )
        await services.release_routing(session, actor, routing.id, clock)
    for line_code in MACHINE_COUNTED[code]:
        line = await assets.get_by_code(session, site.id, line_code)
        await services.set_line_settings(
            session, actor, line.id, LineSettingsIn(counting_mode=CountingMode.MACHINE)
        )
    for sku, seq, name, characteristics in _plans(code):
        await quality.create_plan(
            session,
            actor,
            PlanCreate(
                product_id=products[sku], operation_seq=seq, name=name, characteristics=characteristics
            ),
        )
    for number, sku, qty, supplier, supplier_lot in LOTS[code]:
        receive = LotReceive(
            site_id=site.id,
            product_id=products[sku],
            number=number,
            quantity=qty,
            supplier=supplier,
            supplier_lot=supplier_lot,
        )
        await genealogy.receive_lot(session, actor, receive, clock)
    today = clock.now().date()
    for sku, qty, line_code, days, release in ORDERS[code]:
        line = await assets.get_by_code(session, site.id, line_code)
        data = OrderCreate(
            product_id=products[sku], quantity=qty, due_date=today + timedelta(days=days), line_id=line.id
        )
        order = await services.create_order(session, actor, data)
        if release:
            await services.release_order(session, actor, order.id, clock)


async def seed(session: AsyncSession, sites_by_code: dict[str, Site]) -> None:
    actor = Actor(
        user_id=uuid.UUID(int=0),
        username="seed",
        role=Role.ADMIN,
        site_ids=frozenset(s.id for s in sites_by_code.values()),
    )
    for code in ("NORTH", "SOUTH"):
        if code in sites_by_code:
            await _seed_site(session, actor, sites_by_code[code])
