"""The person's threat level in the gate's state: at high, the new home town narrows to the team.

Revision ID: 0009
Revises: 0008
"""

from avhopp_shared.access.migration_ops import (
    create_access_threat_level_table,
    drop_access_threat_level_table,
)

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_threat_level_table()


def downgrade() -> None:
    drop_access_threat_level_table()
