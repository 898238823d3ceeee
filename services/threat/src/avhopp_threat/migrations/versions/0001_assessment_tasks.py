"""Threat-assessment tasks, outbox and inbox.

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
        "threat_assessment_task",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("application_received_at", UtcDateTime(), nullable=False),
        sa.Column("out_of_hours", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_threat_assessment_task_status", "threat_assessment_task", ["status"])


def downgrade() -> None:
    op.drop_table("threat_assessment_task")
    drop_messaging_tables()
