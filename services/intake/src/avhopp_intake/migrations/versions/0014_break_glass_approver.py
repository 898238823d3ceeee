"""Who approved a break-glass grant, with the approver's agency and organisation.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_break_glass_approval",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("approved_at", UtcDateTime(), nullable=False),
    )
    op.create_index(
        "ix_intake_break_glass_approval_case_id", "intake_break_glass_approval", ["case_id"]
    )
    # Grants approved before now were approved by a second person whose
    # authority was not recorded; they are left without a row rather than
    # given one guessed from the requester's.


def downgrade() -> None:
    op.drop_index(
        "ix_intake_break_glass_approval_case_id", table_name="intake_break_glass_approval"
    )
    op.drop_table("intake_break_glass_approval")
