"""Timeline entries carry the category of what they tell, and a summary.

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
    with op.batch_alter_table("followup_timeline_entry") as batch:
        batch.add_column(
            sa.Column("category", sa.String(30), nullable=False, server_default="case_ref")
        )
        batch.add_column(
            sa.Column("summary", sa.Text(), nullable=False, server_default="Application received")
        )
    # The defaults were for the rows already there (all of them applications).
    with op.batch_alter_table("followup_timeline_entry") as batch:
        batch.alter_column("category", server_default=None)
        batch.alter_column("summary", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("followup_timeline_entry") as batch:
        batch.drop_column("summary")
        batch.drop_column("category")
