"""A transfer ends the municipality of stay (2 a kap. 10 § SoL): stays left by earlier
transfers are cleared.

Cases opened before the receiving municipality was recorded (no
``social_responsibility`` row) are not filled in: this database does not hold
the municipality that received them (intake does).

Revision ID: 0020
Revises: 0019
"""

from avhopp_shared.access.responsibility_migrations import end_stays_ended_by_a_transfer

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    end_stays_ended_by_a_transfer("social_responsibility", "social_responsibility_transfer")


def downgrade() -> None:
    # The stays cleared are not restored: they no longer answer for the case.
    pass
