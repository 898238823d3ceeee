"""Why each break-glass grant was taken (justification, provision), for its review.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_break_glass_request",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
    )
    op.create_index(
        "ix_intake_break_glass_request_case_id", "intake_break_glass_request", ["case_id"]
    )
    # Grants taken before now keep their justification in the audit trail only, in a
    # note not written to be read back; they are listed for review without it.


def downgrade() -> None:
    op.drop_index("ix_intake_break_glass_request_case_id", table_name="intake_break_glass_request")
    op.drop_table("intake_break_glass_request")
