"""Needs mappings (the eight RBM areas and other needs), versioned.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_needs_mapping",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("risk_areas", sa.JSON(), nullable=False),
        sa.Column("other_needs", sa.JSON(), nullable=False),
        sa.Column("mapped_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("social_needs_mapping")
