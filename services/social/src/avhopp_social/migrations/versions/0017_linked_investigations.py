"""Family members' own investigations, linked to the person's case (11 kap. 1 § SoL).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_linked_investigation",
        sa.Column("investigation_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("start_deadline", UtcDateTime(), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("legal_basis", sa.String(60), nullable=False),
    )
    op.create_index(
        "ix_social_linked_investigation_case_id", "social_linked_investigation", ["case_id"]
    )


def downgrade() -> None:
    op.drop_index(
        "ix_social_linked_investigation_case_id", table_name="social_linked_investigation"
    )
    op.drop_table("social_linked_investigation")
