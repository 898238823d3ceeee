"""How each case's exit stands: ongoing, aborted or completed, and its closing.

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
        "followup_exit",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("aborted_by", sa.String(20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("social_support_continues", sa.Boolean(), nullable=True),
        sa.Column("closing_conversation_on", sa.Date(), nullable=True),
        sa.Column("person_view", sa.Text(), nullable=True),
        sa.Column("earlier_case_id", sa.String(36), nullable=True),
    )
    op.create_index("ix_followup_exit_status", "followup_exit", ["status"])
    # Cases already followed are ongoing.
    op.execute(
        "INSERT INTO followup_exit (case_id, status) SELECT case_id, 'ongoing' FROM followup_timeline"
    )


def downgrade() -> None:
    op.drop_index("ix_followup_exit_status", table_name="followup_exit")
    op.drop_table("followup_exit")
