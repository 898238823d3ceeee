"""Case team, legal bases and break-glass grants known to this service.

Revision ID: 0004
Revises: 0003
"""

from avhopp_shared.access.migration_ops import (
    create_access_grant_tables,
    drop_access_grant_tables,
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_grant_tables()


def downgrade() -> None:
    drop_access_grant_tables()
