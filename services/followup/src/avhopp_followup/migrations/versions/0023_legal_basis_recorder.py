"""Who recorded each legal basis: it opens only that agency's records (README, "Beyond
consent"). The event did not name the recorder before, and this service kept nothing
else that does: a legal basis kept before stays without one, and opens nothing here
(policies/access/legal_basis.rego, failing closed).

Revision ID: 0023
Revises: 0022
"""

from avhopp_shared.access.table_migrations import (
    add_legal_basis_recorder_columns,
    drop_legal_basis_recorder_columns,
)

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_legal_basis_recorder_columns()


def downgrade() -> None:
    drop_legal_basis_recorder_columns()
