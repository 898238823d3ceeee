"""Cases whose access state is on hold: an access event of the case was set aside as a
dead letter before it took effect here, so the gate denies every disclosure of the case
until it does (avhopp_shared.access.state_hold).

Revision ID: 0015
Revises: 0014
"""

from avhopp_shared.access.table_migrations import (
    create_access_state_hold_table,
    drop_access_state_hold_table,
)

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_access_state_hold_table()


def downgrade() -> None:
    drop_access_state_hold_table()
