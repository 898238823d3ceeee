"""Who rejected a break-glass grant, when and why: a second person's review may end it.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_break_glass_rejection",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("rejected_at", UtcDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_intake_break_glass_rejection_case_id", "intake_break_glass_rejection", ["case_id"]
    )


def downgrade() -> None:
    op.drop_index(
        "ix_intake_break_glass_rejection_case_id", table_name="intake_break_glass_rejection"
    )
    op.drop_table("intake_break_glass_rejection")
