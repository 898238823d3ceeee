"""AUDIT and DUDIT results.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_screening",
        sa.Column("result_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("instrument", sa.String(10), nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("administered_on", sa.Date(), nullable=False),
        sa.Column("administered_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_social_screening_case_id", "social_screening", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_social_screening_case_id", table_name="social_screening")
    op.drop_table("social_screening")
