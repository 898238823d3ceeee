"""Investigations, outbox and inbox.

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
        "social_investigation",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("start_deadline", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("applied_for", sa.JSON(), nullable=False),
        sa.Column("out_of_hours", sa.Boolean(), nullable=False),
        sa.Column("legal_basis", sa.String(60), nullable=False),
    )
    op.create_index(
        "ix_social_investigation_start_deadline", "social_investigation", ["start_deadline"]
    )


def downgrade() -> None:
    op.drop_table("social_investigation")
    drop_messaging_tables()
