"""A per-case access-state version, so the disclosure gate can cache what it decides by.

Revision ID: 0005
Revises: 0004
"""

from avhopp_shared.access.migration_ops import (
    create_access_version_table,
    drop_access_version_table,
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_version_table()


def downgrade() -> None:
    drop_access_version_table()
