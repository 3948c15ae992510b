"""signal values keyed by a database-assigned row number instead of a UUID

Raw signal values are the bulk of what collectors send; making a UUID for each in Python cost
more than storing it. Existing values are copied in time order.

Revision ID: c41e2b7d9a05
Revises: 3a9ea8a457d7
Create Date: 2026-11-25 17:20:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

import backend.db.types
from alembic import op

revision: str = "c41e2b7d9a05"
down_revision: str | Sequence[str] | None = "3a9ea8a457d7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = "site_id, asset_id, signal, at, value"


def _create(id_column: sa.Column[object]) -> None:
    op.create_table(
        "signal_values",
        id_column,
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("signal", sa.String(length=80), nullable=False),
        sa.Column("at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_signal_values_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_signal_values_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_values")),
    )
    with op.batch_alter_table("signal_values", schema=None) as batch_op:
        batch_op.create_index("ix_signal_values_asset_signal_at", ["asset_id", "signal", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_values_site_id"), ["site_id"], unique=False)


def _set_aside() -> None:
    """The old table under another name, its index names freed (PostgreSQL's are schema-wide)."""
    with op.batch_alter_table("signal_values", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_values_site_id"))
        batch_op.drop_index("ix_signal_values_asset_signal_at")
    op.rename_table("signal_values", "signal_values_old")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE signal_values_old RENAME CONSTRAINT pk_signal_values TO pk_signal_values_old")


def upgrade() -> None:
    _set_aside()
    row_number = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    _create(sa.Column("id", row_number, primary_key=True, autoincrement=True, nullable=False))
    op.execute(
        f"INSERT INTO signal_values ({COLUMNS}) SELECT {COLUMNS} FROM signal_values_old ORDER BY at, id"
    )
    op.drop_table("signal_values_old")


def downgrade() -> None:
    _set_aside()
    _create(sa.Column("id", sa.Uuid(), nullable=False))
    new_id = (
        "gen_random_uuid()" if op.get_bind().dialect.name == "postgresql" else "lower(hex(randomblob(16)))"
    )
    op.execute(
        f"INSERT INTO signal_values (id, {COLUMNS}) SELECT {new_id}, {COLUMNS} FROM signal_values_old ORDER BY id"
    )
    op.drop_table("signal_values_old")
