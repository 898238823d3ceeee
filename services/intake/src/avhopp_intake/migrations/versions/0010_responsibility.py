"""Intake's copy of which municipality answers for each case (2 a kap. SoL).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_responsibility",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("residence", sa.String(4), nullable=False),
        sa.Column("stay", sa.String(4), nullable=True),
    )
    op.create_table(
        "intake_responsibility_transfer",
        sa.Column("transfer_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("to_municipality", sa.String(4), nullable=False),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
    )
    op.create_index(
        "ix_intake_responsibility_transfer_case_id",
        "intake_responsibility_transfer",
        ["case_id"],
    )


def downgrade() -> None:
    op.drop_index(
        "ix_intake_responsibility_transfer_case_id", table_name="intake_responsibility_transfer"
    )
    op.drop_table("intake_responsibility_transfer")
    op.drop_table("intake_responsibility")
