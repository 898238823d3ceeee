"""The day the municipality of stay was recorded (2 a kap. 2-3 §§ SoL).

A transfer to another municipality ends the stay on its effective day, but
only a transfer that takes effect after the stay was recorded: a stay the
responsible municipality records once a transfer has taken effect (the person
moved on from the new home town, in acute need where they are now) acts. Without
the day such a stay never acted. Stays already recorded keep no day and are
read as before, ended by every transfer in effect; intake (0018) and follow-up
(0018) add the same to their copies.

Revision ID: 0025
Revises: 0024
"""

from avhopp_shared.access.responsibility_migrations import add_stay_since, drop_stay_since

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_stay_since("social_responsibility")


def downgrade() -> None:
    drop_stay_since("social_responsibility")
