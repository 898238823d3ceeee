"""Providers commissioned, each with the board's disclosure decision.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_commission",
        sa.Column("commission_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("intervention", sa.String(40), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("disclosed_categories", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_social_commission_case_id", "social_commission", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_social_commission_case_id", table_name="social_commission")
    op.drop_table("social_commission")
