"""Tables for enterprises, sites, users, their site access, devices and login attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.db.base import Base, IdMixin, TimestampMixin
from backend.lib.clock import utcnow


class Enterprise(IdMixin, TimestampMixin, Base):
    __tablename__ = "enterprises"
    name: Mapped[str] = mapped_column(String(200))


class Site(IdMixin, TimestampMixin, Base):
    __tablename__ = "sites"
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprises.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), default=None)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    hourly_rate: Mapped[float] = mapped_column(default=0.0)

    site_links: Mapped[list[UserSite]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def site_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(link.site_id for link in self.site_links)


class UserSite(Base):
    __tablename__ = "user_sites"
    __audit__ = False
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    user: Mapped[User] = relationship(back_populates="site_links")


class Device(IdMixin, TimestampMixin, Base):
    """A phone, tablet or browser a user logged in on; its token is stored only as a hash."""

    __tablename__ = "devices"
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="browser")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class LoginAttempt(IdMixin, Base):
    """Failed logins, counted per username and per client address for rate limiting."""

    __tablename__ = "login_attempts"
    __audit__ = False
    __table_args__ = (Index("ix_login_attempts_username_at", "username", "at"),)
    username: Mapped[str] = mapped_column(String(80))
    client: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


__all__ = ["Device", "Enterprise", "LoginAttempt", "Site", "User", "UserSite"]
