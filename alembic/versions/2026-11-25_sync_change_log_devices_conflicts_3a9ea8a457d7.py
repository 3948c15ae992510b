"""sync: change log and clock, device mutation numbers and results, field versions, conflicts

Revision ID: 3a9ea8a457d7
Revises: 500d396af24c
Create Date: 2026-11-25 14:25:32.592087
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

import backend.db.types
from alembic import op

revision: str = "3a9ea8a457d7"
down_revision: str | Sequence[str] | None = "500d396af24c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sync_changes",
        sa.Column("scope_key", sa.String(length=120), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.String(length=100), nullable=False),
        sa.Column("op", sa.String(length=3), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=True),
        sa.Column("committed_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope_key", "change_id", name=op.f("pk_sync_changes")),
    )
    with op.batch_alter_table("sync_changes", schema=None) as batch_op:
        batch_op.create_index("ix_sync_changes_change_id", ["change_id"], unique=False)

    op.create_table(
        "sync_clients",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("last_mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_sync_clients")),
    )
    with op.batch_alter_table("sync_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_clients_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sync_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_change_id", sa.BigInteger(), nullable=False),
        sa.Column("horizon", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_clock")),
    )
    op.create_table(
        "sync_field_versions",
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("mutation_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("entity", "row_id", "field", name=op.f("pk_sync_field_versions")),
    )
    op.create_table(
        "sync_mutation_results",
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("client_id", "mutation_id", name=op.f("pk_sync_mutation_results")),
    )
    with op.batch_alter_table("sync_mutation_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_mutation_results_created_at"), ["created_at"], unique=False)

    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=100), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("server_value", sa.JSON(), nullable=True),
        sa.Column("client_value", sa.JSON(), nullable=True),
        sa.Column("base_version", sa.BigInteger(), nullable=False),
        sa.Column("server_version", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("mutation_id", sa.BigInteger(), nullable=False),
        sa.Column("policy", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolution", sa.JSON(), nullable=True),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_conflicts_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.create_index("ix_sync_conflicts_site_status", ["site_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_conflicts_site_status")

    op.drop_table("sync_conflicts")
    with op.batch_alter_table("sync_mutation_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_mutation_results_created_at"))

    op.drop_table("sync_mutation_results")
    op.drop_table("sync_field_versions")
    op.drop_table("sync_clock")
    with op.batch_alter_table("sync_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_clients_user_id"))

    op.drop_table("sync_clients")
    with op.batch_alter_table("sync_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_changes_change_id")

    op.drop_table("sync_changes")
