"""Declarative base: naming convention, UUIDv7 keys, audit timestamps and the site-scope marker."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from backend.db.types import UTCDateTime
from backend.lib.clock import utcnow
from backend.lib.ids import uuid7

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    metadata = metadata
    type_annotation_map = {datetime: UTCDateTime(), uuid.UUID: Uuid()}


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SiteScoped:
    """Rows of a site. Every ORM query in a session bound to an actor is filtered to the
    actor's sites (see `backend.db.scope`), so other sites' rows are simply not found."""

    @declared_attr
    def site_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(ForeignKey("sites.id", ondelete="RESTRICT"), index=True)
