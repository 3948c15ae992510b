"""A synthetic lot history for scale tests: N lots over L BOM levels, bulk-inserted with Core.

Level 0 holds supplier lots; every lot of level k > 0 was made from `fan_in` lots of level k − 1
(picked at random), so a backward trace from a finished lot and a forward trace from a supplier
lot each cover every level. Part of the finished lots are shipped. The schema must exist
(run the migrations first); rows go in batches inside one transaction per table.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from backend.domain.genealogy.models import Lot, LotLink, Shipment, ShipmentLine
from backend.domain.people.models import Enterprise, Site
from backend.domain.production.models import Product
from backend.lib.ids import uuid7

START = datetime(2025, 1, 1, tzinfo=UTC)
SQLITE_CACHE_KIB = 512 * 1024


@dataclass(frozen=True)
class SyntheticSpec:
    lots: int = 1_000_000
    levels: int = 5
    fan_in: int = 3
    products_per_level: int = 10
    shipped_share: float = 0.5
    lines_per_shipment: int = 10
    batch: int = 10_000
    seed: int = 7
    site_code: str = "SYNTH"


@dataclass
class SyntheticHistory:
    site_id: uuid.UUID
    lots: int = 0
    links: int = 0
    shipment_lines: int = 0
    seconds: float = 0.0
    # A sample of lot ids per level (level 0: supplier lots, last level: finished lots).
    samples: dict[int, list[uuid.UUID]] = field(default_factory=dict)


class _Ids:
    """Unique UUIDv7-shaped ids as integers: one random uuid7 prefix, a counter in the low bits."""

    def __init__(self) -> None:
        self._prefix = uuid7().int & ~((1 << 40) - 1)
        self._n = 0

    def __call__(self) -> int:
        self._n += 1
        return self._prefix | self._n


class _Loader:
    """Bulk inserts of plain tuples in the column order given: `executemany` on SQLite (values
    already in SQLAlchemy's storage format), COPY on PostgreSQL, Core inserts elsewhere."""

    def __init__(self, conn: AsyncConnection, batch: int) -> None:
        self.conn = conn
        self.batch = batch
        self.dialect = conn.dialect.name

    def uid(self, value: int) -> Any:
        return f"{value:032x}" if self.dialect == "sqlite" else uuid.UUID(int=value)

    def ts(self, value: datetime) -> Any:
        if self.dialect == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    async def load(self, table: Any, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        total = 0
        raw = await self.conn.get_raw_connection()
        driver: Any = raw.driver_connection
        if self.dialect == "sqlite":
            # Index pages stay in memory while loading (the default cache is 2 MB).
            await driver.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        chunk: list[tuple[Any, ...]] = []

        async def flush() -> None:
            if self.dialect == "sqlite":
                await driver.executemany(sql, chunk)
            elif self.dialect == "postgresql":
                await driver.copy_records_to_table(table.name, records=chunk, columns=list(columns))
            else:
                await self.conn.execute(
                    insert(table), [dict(zip(columns, row, strict=True)) for row in chunk]
                )

        for row in rows:
            chunk.append(row)
            if len(chunk) >= self.batch:
                await flush()
                total += len(chunk)
                chunk = []
        if chunk:
            await flush()
            total += len(chunk)
        return total


def _level_sizes(spec: SyntheticSpec) -> list[int]:
    base = spec.lots // spec.levels
    sizes = [base] * spec.levels
    sizes[0] += spec.lots - base * spec.levels
    return sizes


LOT_COLUMNS = (
    "id",
    "site_id",
    "number",
    "product_id",
    "tracking",
    "origin",
    "status",
    "on_hold",
    "quantity",
    "quantity_on_hand",
    "supplier",
    "supplier_lot",
    "received_at",
    "produced_at",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("id", "site_id", "parent_lot_id", "child_lot_id", "quantity", "at")


async def generate(
    engine: AsyncEngine, spec: SyntheticSpec = SyntheticSpec(), progress: Callable[[str], None] | None = None
) -> SyntheticHistory:
    """Insert a synthetic site, products, lots, links and shipments; return what was made."""
    say = progress or (lambda _msg: None)
    rng = random.Random(spec.seed)
    new_id = _Ids()
    t0 = time.perf_counter()
    sizes = _level_sizes(spec)
    enterprise_id, site_id = new_id(), new_id()
    history = SyntheticHistory(site_id=uuid.UUID(int=site_id))
    products = [[new_id() for _ in range(spec.products_per_level)] for _ in range(spec.levels)]
    async with engine.begin() as conn:
        ld = _Loader(conn, spec.batch)
        start = ld.ts(START)
        site = ld.uid(site_id)
        await ld.load(
            Enterprise.__table__,
            ("id", "name", "created_at", "updated_at"),
            [(ld.uid(enterprise_id), "Synthetic", start, start)],
        )
        await ld.load(
            Site.__table__,
            ("id", "enterprise_id", "code", "name", "timezone", "created_at", "updated_at"),
            [(site, ld.uid(enterprise_id), spec.site_code, "Synthetic plant", "UTC", start, start)],
        )
        await ld.load(
            Product.__table__,
            (
                "id",
                "site_id",
                "sku",
                "name",
                "unit",
                "family",
                "purchased",
                "active",
                "created_at",
                "updated_at",
            ),
            [
                (
                    ld.uid(pid),
                    site,
                    f"L{level}-P{i}",
                    f"Level {level} product {i}",
                    "pcs",
                    "synthetic",
                    level == 0,
                    True,
                    start,
                    start,
                )
                for level, ids in enumerate(products)
                for i, pid in enumerate(ids)
            ],
        )
    bulk_tables = [Lot.__table__, LotLink.__table__, ShipmentLine.__table__]
    indexes = [index for table in bulk_tables for index in table.indexes]  # type: ignore[attr-defined]
    async with engine.begin() as conn:
        # Secondary indexes are built once after the load: far cheaper than row by row.
        for index in indexes:
            await conn.run_sync(index.drop)
    levels: list[list[int]] = []
    for level, size in enumerate(sizes):
        ids = [new_id() for _ in range(size)]
        levels.append(ids)
        history.samples[level] = [uuid.UUID(int=i) for i in rng.sample(ids, min(len(ids), 200))]
        async with engine.begin() as conn:
            ld = _Loader(conn, spec.batch)
            history.lots += await ld.load(
                Lot.__table__, LOT_COLUMNS, _lot_rows(ld, spec, site, level, ids, products[level])
            )
            if level > 0:
                rows = _link_rows(ld, spec, rng, new_id, site, level, ids, levels[level - 1])
                history.links += await ld.load(LotLink.__table__, LINK_COLUMNS, rows)
        say(f"level {level}: {size} lots, {history.links} links so far")
    async with engine.begin() as conn:
        history.shipment_lines = await _ship(_Loader(conn, spec.batch), spec, rng, new_id, site, levels[-1])
    say(f"shipments: {history.shipment_lines} lines")
    async with engine.begin() as conn:
        for index in indexes:
            await conn.run_sync(index.create)
    say("indexes rebuilt")
    history.seconds = time.perf_counter() - t0
    return history


def _stamps(ld: _Loader, level: int) -> Callable[[int], Any]:
    """Formatted timestamps, one per 1,000 rows (formatting every row costs more than the insert)."""
    cache: dict[int, Any] = {}

    def stamp(i: int) -> Any:
        key = i // 1000
        if key not in cache:
            cache[key] = ld.ts(START + timedelta(days=level, seconds=key))
        return cache[key]

    return stamp


def _lot_rows(
    ld: _Loader, spec: SyntheticSpec, site: Any, level: int, ids: list[int], products: list[int]
) -> Iterator[tuple[Any, ...]]:
    supplier = level == 0
    finished = level == spec.levels - 1
    stamp = _stamps(ld, level)
    product_ids = [ld.uid(p) for p in products]
    origin = "supplier" if supplier else "produced"
    for i, lot_id in enumerate(ids):
        at = stamp(i)
        yield (
            ld.uid(lot_id),
            site,
            f"L{level}-{i:07d}",
            product_ids[i % len(product_ids)],
            "lot",
            origin,
            "available" if finished or supplier else "depleted",
            False,
            100.0,
            100.0 if finished else 0.0,
            f"Supplier {i % 50}" if supplier else None,
            f"S{i:07d}" if supplier else None,
            at if supplier else None,
            None if supplier else at,
            at,
            at,
        )


def _link_rows(
    ld: _Loader,
    spec: SyntheticSpec,
    rng: random.Random,
    new_id: _Ids,
    site: Any,
    level: int,
    ids: list[int],
    parents: list[int],
) -> Iterator[tuple[Any, ...]]:
    n = len(parents)
    stamp = _stamps(ld, level)
    share = 100.0 / spec.fan_in
    for i, child in enumerate(ids):
        child_id = ld.uid(child)
        at = stamp(i)
        for parent_index in {rng.randrange(n) for _ in range(spec.fan_in)}:
            yield (ld.uid(new_id()), site, ld.uid(parents[parent_index]), child_id, share, at)


async def _ship(
    ld: _Loader, spec: SyntheticSpec, rng: random.Random, new_id: _Ids, site: Any, finished: list[int]
) -> int:
    shipped = [lot for lot in finished if rng.random() < spec.shipped_share]
    shipments: list[tuple[Any, ...]] = []
    lines: list[tuple[Any, ...]] = []
    for start in range(0, len(shipped), spec.lines_per_shipment):
        shipment_id = ld.uid(new_id())
        at = ld.ts(START + timedelta(days=30, seconds=start))
        customer = f"Customer {rng.randrange(500)}"
        shipments.append(
            (shipment_id, site, f"SH-{start // spec.lines_per_shipment:07d}", customer, at, at, at)
        )
        for lot in shipped[start : start + spec.lines_per_shipment]:
            lines.append((ld.uid(new_id()), site, shipment_id, ld.uid(lot), 100.0))
    await ld.load(
        Shipment.__table__,
        ("id", "site_id", "number", "customer", "shipped_at", "created_at", "updated_at"),
        shipments,
    )
    return await ld.load(
        ShipmentLine.__table__, ("id", "site_id", "shipment_id", "lot_id", "quantity"), lines
    )
