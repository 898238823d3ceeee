"""Follow-up meetings: reviews and security follow-ups, scheduled and held.

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
        "followup_meeting",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("scheduled_on", sa.Date(), nullable=False),
        sa.Column("with_person", sa.Boolean(), nullable=False),
        sa.Column("with_provider", sa.String(200), nullable=True),
        sa.Column("scheduled_by", sa.String(200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("plan_version", sa.Integer(), nullable=True),
    )
    op.create_index("ix_followup_meeting_case_id", "followup_meeting", ["case_id"])
    op.create_index("ix_followup_meeting_scheduled_on", "followup_meeting", ["scheduled_on"])


def downgrade() -> None:
    op.drop_index("ix_followup_meeting_scheduled_on", table_name="followup_meeting")
    op.drop_index("ix_followup_meeting_case_id", table_name="followup_meeting")
    op.drop_table("followup_meeting")
