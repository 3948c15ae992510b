"""Tables for collectors, ingested batches, machine state changes, counters and signal values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db.base import Base, IdMixin, SiteScoped, TimestampMixin
from backend.lib.clock import utcnow


class Collector(IdMixin, TimestampMixin, SiteScoped, Base):
    """An edge collector allowed to send data for one site; its token is stored as a hash."""

    __tablename__ = "collectors"
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_batch_at: Mapped[datetime | None] = mapped_column(default=None)
    dropped_samples: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class IngestedBatch(Base):
    """One row per batch id: a resend of the same batch is answered as a duplicate."""

    __tablename__ = "ingested_batches"
    __audit__ = False
    batch_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    collector_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("collectors.id", ondelete="CASCADE"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    samples: Mapped[int] = mapped_column(Integer)
    accepted: Mapped[int] = mapped_column(Integer)


class MachineSettings(SiteScoped, Base):
    """Per-machine thresholds used when signals become facts."""

    __tablename__ = "machine_settings"
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    debounce_s: Mapped[float] = mapped_column(Float, default=2.0)
    micro_stop_s: Mapped[float] = mapped_column(Float, default=120.0)
    ticket_after_s: Mapped[float] = mapped_column(Float, default=300.0)
    counter_max: Mapped[int] = mapped_column(Integer, default=65535)
    ideal_cycle_s: Mapped[float | None] = mapped_column(Float, default=None)


class MachineStateChange(IdMixin, SiteScoped, Base):
    """The machine entered `state` at `at` (running, stopped or unknown), with the fault code if any."""

    __tablename__ = "machine_state_changes"
    __audit__ = False
    __table_args__ = (Index("ix_machine_state_changes_asset_at", "asset_id", "at"),)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(12))
    fault_code: Mapped[int | None] = mapped_column(Integer, default=None)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class MachineCurrent(SiteScoped, Base):
    """The latest known state of a machine and the last raw counter values (to compute deltas)."""

    __tablename__ = "machine_current"
    __audit__ = False
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(12), default="unknown")
    since: Mapped[datetime] = mapped_column(default=utcnow)
    fault_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_sample_at: Mapped[datetime | None] = mapped_column(default=None)


class CounterState(Base):
    """The last raw value seen per machine counter, so the next one becomes a delta."""

    __tablename__ = "counter_states"
    __audit__ = False
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    raw: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]


class CountDelta(IdMixin, SiteScoped, Base):
    """Units counted by a machine between two counter readings (rollover and resets resolved)."""

    __tablename__ = "count_deltas"
    __audit__ = False
    __table_args__ = (
        Index("ix_count_deltas_asset_at", "asset_id", "at"),
        UniqueConstraint("source", "seq", "role"),
    )
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    delta: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(120))
    seq: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(40), default=None)


ROW_NUMBER = BigInteger().with_variant(Integer(), "sqlite")
"""A database-assigned row number (on SQLite the rowid itself)."""


class SignalValue(SiteScoped, Base):
    """A raw analog value (temperature, vibration, run-hours…), kept for a retention period.

    The bulk of what collectors send: its key is a database-assigned number rather than a
    UUID made in Python, which costs more than the rest of storing the value."""

    __tablename__ = "signal_values"
    __audit__ = False
    __table_args__ = (Index("ix_signal_values_asset_signal_at", "asset_id", "signal", "at"),)
    id: Mapped[int] = mapped_column(ROW_NUMBER, primary_key=True, autoincrement=True)
    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    signal: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]
    value: Mapped[float] = mapped_column(Float)
