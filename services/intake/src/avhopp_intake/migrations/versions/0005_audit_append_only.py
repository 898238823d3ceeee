"""The audit log refuses updates and deletes.

Revision ID: 0005
Revises: 0004
"""

from avhopp_shared.access.migration_ops import allow_audit_log_changes, make_audit_log_append_only

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    make_audit_log_append_only()


def downgrade() -> None:
    allow_audit_log_changes()
