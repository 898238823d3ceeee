"""A re-application links to the person's earlier case (PROCESS.md step 12).

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
    with op.batch_alter_table("intake_case") as batch:
        batch.add_column(sa.Column("previous_case_id", sa.String(36), nullable=True))
    op.create_index(
        "ix_intake_case_personal_identity_number", "intake_case", ["personal_identity_number"]
    )


def downgrade() -> None:
    op.drop_index("ix_intake_case_personal_identity_number", table_name="intake_case")
    with op.batch_alter_table("intake_case") as batch:
        batch.drop_column("previous_case_id")
