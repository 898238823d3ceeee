"""Phases, commissioned providers and their reports; the responsibility copy.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.access.migration_ops import (
    create_access_responsibility_tables,
    drop_access_responsibility_tables,
)
from avhopp_shared.db.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_responsibility_tables()
    op.create_table(
        "followup_phase_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_followup_phase_entry_case_id", "followup_phase_entry", ["case_id"])
    op.create_table(
        "followup_commission",
        sa.Column("commission_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_followup_commission_case_id", "followup_commission", ["case_id"])
    op.create_table(
        "followup_provider_report",
        sa.Column("report_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("week_starting", sa.Date(), nullable=False),
        sa.Column("schedule", sa.Text(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("activities", sa.JSON(), nullable=False),
        sa.Column("treatment_sessions", sa.JSON(), nullable=False),
        sa.Column("incidents", sa.JSON(), nullable=False),
        sa.Column("absences", sa.JSON(), nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("reported_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_followup_provider_report_case_id", "followup_provider_report", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_followup_provider_report_case_id", table_name="followup_provider_report")
    op.drop_table("followup_provider_report")
    op.drop_index("ix_followup_commission_case_id", table_name="followup_commission")
    op.drop_table("followup_commission")
    op.drop_index("ix_followup_phase_entry_case_id", table_name="followup_phase_entry")
    op.drop_table("followup_phase_entry")
    drop_access_responsibility_tables()
