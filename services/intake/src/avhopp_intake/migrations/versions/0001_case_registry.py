"""Case registry, outbox and inbox.

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
        "intake_case",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("referral_source", sa.String(30), nullable=False),
        sa.Column("applied_for", sa.JSON(), nullable=False),
        sa.Column("out_of_hours", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("given_name", sa.String(200), nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("personal_identity_number", sa.String(12), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    )


def downgrade() -> None:
    op.drop_table("intake_case")
    drop_messaging_tables()
