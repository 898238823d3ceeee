"""The person's children, and caseworkers' tasks.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_child",
        sa.Column("child_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column("lives_with_person", sa.Boolean(), nullable=False),
        sa.Column("concern", sa.Text(), nullable=True),
    )
    op.create_index("ix_social_child_case_id", "social_child", ["case_id"])
    op.create_table(
        "social_task",
        sa.Column("task_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(60), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_social_task_case_id", "social_task", ["case_id"])
    op.create_index("ix_social_task_done_at", "social_task", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_social_task_done_at", table_name="social_task")
    op.drop_index("ix_social_task_case_id", table_name="social_task")
    op.drop_table("social_task")
    op.drop_index("ix_social_child_case_id", table_name="social_child")
    op.drop_table("social_child")
