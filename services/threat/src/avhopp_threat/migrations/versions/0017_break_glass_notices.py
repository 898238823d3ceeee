"""Police's notices of break-glass grants over records police hold (ACCESS.md,
"Consent records": break-glass is audited "and the data owner is notified").

Only grants delivered from this release on leave a notice: the access state keeps
earlier grants without telling whether police knew the case when they arrived.

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
        "threat_break_glass_notice",
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("agency", sa.String(20), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("granted_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("ended_early", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_threat_break_glass_notice_case",
        "threat_break_glass_notice",
        ["case_id", "granted_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_threat_break_glass_notice_case", table_name="threat_break_glass_notice")
    op.drop_table("threat_break_glass_notice")
