"""Results of external instruments (HCR-20, ASI, RBM-B, YLS/CMI, SAVRY).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_external_result",
        sa.Column("result_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("instrument", sa.String(10), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_social_external_result_case_id", "social_external_result", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_social_external_result_case_id", table_name="social_external_result")
    op.drop_table("social_external_result")
