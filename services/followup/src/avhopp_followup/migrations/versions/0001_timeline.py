"""Case timeline, outbox and inbox.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime
from avhopp_shared.messaging.migration_ops import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables()
    op.create_table(
        "followup_timeline",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "followup_timeline_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column(
            "case_id", sa.String(36), sa.ForeignKey("followup_timeline.case_id"), nullable=False
        ),
        sa.Column("milestone", sa.String(40), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("source_event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("reported_by", sa.String(20), nullable=False),
    )
    op.create_index("ix_followup_timeline_entry_case_id", "followup_timeline_entry", ["case_id"])


def downgrade() -> None:
    op.drop_table("followup_timeline_entry")
    op.drop_table("followup_timeline")
    drop_messaging_tables()
