"""The scope of an investigation, chosen with the person.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_investigation_scope",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("areas_in", sa.JSON(), nullable=False),
        sa.Column("areas_out", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("social_investigation_scope")
