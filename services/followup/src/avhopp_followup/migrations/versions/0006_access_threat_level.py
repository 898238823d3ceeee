"""The person's threat level in the gate's state: at high, the new home town narrows to the team.

Revision ID: 0006
Revises: 0005
"""

from avhopp_shared.access.migration_ops import (
    create_access_threat_level_table,
    drop_access_threat_level_table,
)

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_threat_level_table()


def downgrade() -> None:
    drop_access_threat_level_table()
