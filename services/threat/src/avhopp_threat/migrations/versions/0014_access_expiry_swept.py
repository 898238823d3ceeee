"""Grants swept at their end in time: consents and legal bases past ``valid_to``,
break-glass grants past ``expires_at`` (access.expiry_sweep). A row claims a grant, so
its purge runs once, whichever replica takes it.

Revision ID: 0014
Revises: 0013
"""

from avhopp_shared.access.table_migrations import (
    create_access_expiry_swept_table,
    drop_access_expiry_swept_table,
)

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_expiry_swept_table()


def downgrade() -> None:
    drop_access_expiry_swept_table()
