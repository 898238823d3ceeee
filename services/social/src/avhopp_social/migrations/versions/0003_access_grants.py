"""Case team, legal bases and break-glass grants known to this service.

Revision ID: 0003
Revises: 0002
"""

from avhopp_shared.access.migration_ops import (
    create_access_grant_tables,
    drop_access_grant_tables,
)

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_grant_tables()


def downgrade() -> None:
    drop_access_grant_tables()
