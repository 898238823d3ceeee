"""The municipality whose social services received the application.

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
    # Nullable: cases registered before it was recorded have none.
    with op.batch_alter_table("intake_case") as batch:
        batch.add_column(sa.Column("municipality", sa.String(4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_case") as batch:
        batch.drop_column("municipality")
