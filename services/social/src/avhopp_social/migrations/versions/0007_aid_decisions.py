"""Decisions on aid (4 kap. 1 § SoL).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_aid_decision",
        sa.Column("decision_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("aid_type", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("legal_basis", sa.String(60), nullable=False),
    )
    op.create_index("ix_social_aid_decision_case_id", "social_aid_decision", ["case_id"])
    op.create_index("ix_social_aid_decision_valid_to", "social_aid_decision", ["valid_to"])


def downgrade() -> None:
    op.drop_index("ix_social_aid_decision_valid_to", table_name="social_aid_decision")
    op.drop_index("ix_social_aid_decision_case_id", table_name="social_aid_decision")
    op.drop_table("social_aid_decision")
