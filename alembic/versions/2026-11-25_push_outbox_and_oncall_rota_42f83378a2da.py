"""push: VAPID key, subscriptions, outbox; on-call rota

Revision ID: 42f83378a2da
Revises: b3907a59d419
Create Date: 2026-11-25 13:39:06.368496
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

import backend.db.types
from alembic import op

revision: str = "42f83378a2da"
down_revision: str | Sequence[str] | None = "b3907a59d419"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = backend.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "push_vapid_keys",
        sa.Column("slot", sa.String(length=20), nullable=False),
        sa.Column("private_key_pem", sa.String(length=400), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_vapid_keys")),
        sa.UniqueConstraint("slot", name=op.f("uq_push_vapid_keys_slot")),
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("endpoint", sa.String(length=2048), nullable=False),
        sa.Column("p256dh", sa.String(length=100), nullable=False),
        sa.Column("auth_secret", sa.String(length=40), nullable=False),
        sa.Column("expires_at", UTC, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_push_subscriptions_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_push_subscriptions_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_push_subscriptions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "push_outbox",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("urgency", sa.String(length=10), nullable=False),
        sa.Column("ttl", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.Column("first_attempt_at", UTC, nullable=True),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("delivered", sa.JSON(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_outbox_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_outbox")),
    )
    with op.batch_alter_table("push_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_push_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_push_outbox_user_id"), ["user_id"], unique=False)

    op.create_table(
        "oncall_shifts",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("area_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", UTC, nullable=False),
        sa.Column("ends_at", UTC, nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_oncall_shifts_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["area_id"], ["assets.id"], name=op.f("fk_oncall_shifts_area_id_assets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_oncall_shifts_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oncall_shifts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oncall_shifts")),
    )
    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oncall_shifts_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_oncall_shifts_site_id"), ["site_id"], unique=False)
        batch_op.create_index(
            "ix_oncall_shifts_site_window", ["site_id", "starts_at", "ends_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_oncall_shifts_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("oncall_shifts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oncall_shifts_user_id"))
        batch_op.drop_index("ix_oncall_shifts_site_window")
        batch_op.drop_index(batch_op.f("ix_oncall_shifts_site_id"))
        batch_op.drop_index(batch_op.f("ix_oncall_shifts_area_id"))
    op.drop_table("oncall_shifts")
    with op.batch_alter_table("push_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_outbox_user_id"))
        batch_op.drop_index("ix_push_outbox_due")
    op.drop_table("push_outbox")
    with op.batch_alter_table("push_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_push_subscriptions_user_id"))
        batch_op.drop_index(batch_op.f("ix_push_subscriptions_device_id"))
    op.drop_table("push_subscriptions")
    op.drop_table("push_vapid_keys")
