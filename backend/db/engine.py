"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


SQLITE_BEGIN = "sqlite_begin"


def _sqlite_begin(conn: Any) -> None:
    """Begin explicitly, so reads share one snapshot with the writes after them and SAVEPOINTs
    nest inside the transaction (the driver's own implicit BEGIN only precedes DML).

    IMMEDIATE: the transaction queues for the write lock (up to the busy timeout) when it begins.
    A deferred one that read first is refused at once ("database is locked") if it then writes
    after another connection committed, which under steady ingest is most read-then-write
    requests (authentication touches the device, logins, job claims).

    A read-only connection asks for `execution_options(sqlite_begin="DEFERRED")`: it then reads one
    WAL snapshot without taking the write lock (the sync server's pulls)."""
    mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def _driver_stays_out(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the driver, decide when a transaction begins (see _sqlite_begin).
    dbapi_connection.isolation_level = None


def make_engine(
    url: str, *, echo: bool = False, null_pool: bool = False, explicit_begin: bool = True
) -> AsyncEngine:
    """`explicit_begin=False` keeps the SQLite driver's own statement-level transactions: every
    read sees the latest commit. Only test inspection sessions want that."""
    kwargs: dict[str, Any] = {"echo": echo}
    if null_pool:
        kwargs["poolclass"] = NullPool
    if url.startswith("postgresql"):
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if explicit_begin:
            event.listen(engine.sync_engine, "connect", _driver_stays_out)
            event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)
