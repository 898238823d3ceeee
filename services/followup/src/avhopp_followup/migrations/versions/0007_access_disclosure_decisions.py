"""Disclosure decisions for providers in the gate's state (the "decided" cells of ACCESS.md).

Revision ID: 0007
Revises: 0006
"""

from avhopp_shared.access.migration_ops import (
    create_access_disclosure_decision_table,
    drop_access_disclosure_decision_table,
)

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_disclosure_decision_table()


def downgrade() -> None:
    drop_access_disclosure_decision_table()
