"""Dead letters: events the database refused as data, kept for a replay.

Revision ID: 0012
Revises: 0011
"""

from avhopp_shared.messaging.migration_ops import create_dead_letter_table, drop_dead_letter_table

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_dead_letter_table()


def downgrade() -> None:
    drop_dead_letter_table()
