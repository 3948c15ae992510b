"""PM plans, occurrences, condition states; meters and meter readings

Revision ID: 8bfaa8fd1863
Revises: 42f83378a2da
Create Date: 2026-11-25 13:42:43.908265
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

import backend.db.types
from alembic import op

revision: str = "8bfaa8fd1863"
down_revision: str | Sequence[str] | None = "42f83378a2da"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meters",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("last_value", sa.Float(), nullable=False),
        sa.Column("last_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("resets", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_meters_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_meters_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meters")),
        sa.UniqueConstraint("asset_id", "name", name=op.f("uq_meters_asset_id_name")),
    )
    with op.batch_alter_table("meters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meters_site_id"), ["site_id"], unique=False)

    op.create_table(
        "pm_plans",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("asset_class", sa.String(length=80), nullable=True),
        sa.Column("under_asset_id", sa.Uuid(), nullable=True),
        sa.Column("checklist_template_id", sa.Uuid(), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("estimated_hours", sa.Float(), nullable=True),
        sa.Column("every", sa.Integer(), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("schedule", sa.String(length=10), nullable=True),
        sa.Column("starts_at", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("meter", sa.String(length=80), nullable=True),
        sa.Column("meter_interval", sa.Float(), nullable=True),
        sa.Column("meter_lead", sa.Float(), nullable=False),
        sa.Column("meter_start", sa.Float(), nullable=True),
        sa.Column("signal", sa.String(length=80), nullable=True),
        sa.Column("operator", sa.String(length=2), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("due_in_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("effective_from", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_pm_plans_asset_id_assets")),
        sa.ForeignKeyConstraint(
            ["checklist_template_id"],
            ["checklist_templates.id"],
            name=op.f("fk_pm_plans_checklist_template_id_checklist_templates"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_pm_plans_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["under_asset_id"], ["assets.id"], name=op.f("fk_pm_plans_under_asset_id_assets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_plans")),
    )
    with op.batch_alter_table("pm_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_plans_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_plans_site_id"), ["site_id"], unique=False)

    op.create_table(
        "meter_readings",
        sa.Column("meter_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("delta", sa.Float(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("reset", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_meter_readings_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meter_id"], ["meters.id"], name=op.f("fk_meter_readings_meter_id_meters"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_meter_readings_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meter_readings")),
    )
    with op.batch_alter_table("meter_readings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meter_readings_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index("ix_meter_readings_meter_at", ["meter_id", "at"], unique=False)
        batch_op.create_index("ix_meter_readings_meter_total", ["meter_id", "total"], unique=False)
        batch_op.create_index(batch_op.f("ix_meter_readings_site_id"), ["site_id"], unique=False)

    op.create_table(
        "pm_condition_states",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("episode_start", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fired", sa.Boolean(), nullable=False),
        sa.Column("last_at", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_pm_condition_states_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["pm_plans.id"],
            name=op.f("fk_pm_condition_states_plan_id_pm_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "asset_id", name=op.f("pk_pm_condition_states")),
    )
    op.create_table(
        "pm_occurrences",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("grace_until", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("triggered_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("generated_at", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("work_order_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("meter_due", sa.Float(), nullable=True),
        sa.Column("episode_start", backend.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("fk_pm_occurrences_asset_id_assets")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["pm_plans.id"], name=op.f("fk_pm_occurrences_plan_id_pm_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_pm_occurrences_site_id_sites"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_pm_occurrences_work_order_id_work_orders"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pm_occurrences")),
        sa.UniqueConstraint("plan_id", "key", name=op.f("uq_pm_occurrences_plan_id_key")),
    )
    with op.batch_alter_table("pm_occurrences", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pm_occurrences_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(
            "ix_pm_occurrences_plan_asset_due", ["plan_id", "asset_id", "due_at"], unique=False
        )
        batch_op.create_index("ix_pm_occurrences_site_due", ["site_id", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_occurrences_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pm_occurrences_work_order_id"), ["work_order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pm_occurrences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pm_occurrences_work_order_id"))
        batch_op.drop_index(batch_op.f("ix_pm_occurrences_site_id"))
        batch_op.drop_index("ix_pm_occurrences_site_due")
        batch_op.drop_index("ix_pm_occurrences_plan_asset_due")
        batch_op.drop_index(batch_op.f("ix_pm_occurrences_asset_id"))

    op.drop_table("pm_occurrences")
    op.drop_table("pm_condition_states")
    with op.batch_alter_table("meter_readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meter_readings_site_id"))
        batch_op.drop_index("ix_meter_readings_meter_total")
        batch_op.drop_index("ix_meter_readings_meter_at")
        batch_op.drop_index(batch_op.f("ix_meter_readings_asset_id"))

    op.drop_table("meter_readings")
    with op.batch_alter_table("pm_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pm_plans_site_id"))
        batch_op.drop_index(batch_op.f("ix_pm_plans_asset_id"))

    op.drop_table("pm_plans")
    with op.batch_alter_table("meters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meters_site_id"))

    op.drop_table("meters")
