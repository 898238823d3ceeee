"""Access state (consents known to this service) and the audit trail.

Revision ID: 0002
Revises: 0001
"""

from avhopp_shared.access.migration_ops import create_access_tables, drop_access_tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_tables()


def downgrade() -> None:
    drop_access_tables()
