"""Networks present in towns, recorded by open police cases, for the rival check.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threat_network_presence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("network", sa.String(200), nullable=False),
        sa.Column("municipality_code", sa.String(4), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
    )
    op.create_index("ix_threat_network_presence_case", "threat_network_presence", ["case_id"])
    op.create_index(
        "ix_threat_network_presence_town_network",
        "threat_network_presence",
        ["municipality_code", "network"],
    )


def downgrade() -> None:
    op.drop_index("ix_threat_network_presence_town_network", table_name="threat_network_presence")
    op.drop_index("ix_threat_network_presence_case", table_name="threat_network_presence")
    op.drop_table("threat_network_presence")
