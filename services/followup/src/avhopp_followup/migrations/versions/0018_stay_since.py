"""This service's copy of the responsibility: the day the municipality of stay was
recorded, as in social services' own record (their 0025), sent with
``responsibility.recorded``. A stay recorded once a transfer has taken effect
acts; stays copied before keep no day and are read as before.

Revision ID: 0018
Revises: 0017
"""

from avhopp_shared.access.responsibility_migrations import add_stay_since, drop_stay_since

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_stay_since("access_responsibility")


def downgrade() -> None:
    drop_stay_since("access_responsibility")
