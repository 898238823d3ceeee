"""Placement assessments and the placement itself; the person's own network affiliations.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("threat_assessment") as batch:
        batch.add_column(
            sa.Column("affiliations", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    op.create_table(
        "threat_placement_assessment",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("towns", sa.JSON(), nullable=False),
        sa.Column("assessed_by", sa.String(200), nullable=False),
        sa.Column("assessed_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "threat_placement",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("threat_placement")
    op.drop_table("threat_placement_assessment")
    with op.batch_alter_table("threat_assessment") as batch:
        batch.drop_column("affiliations")
