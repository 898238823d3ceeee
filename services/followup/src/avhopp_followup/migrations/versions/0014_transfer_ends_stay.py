"""This service's copy of the responsibility: a transfer ends the municipality of stay
(2 a kap. 10 § SoL), as in social services' own record (their 0020).

Revision ID: 0014
Revises: 0013
"""

from avhopp_shared.access.responsibility_migrations import end_stays_ended_by_a_transfer

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    end_stays_ended_by_a_transfer("access_responsibility", "access_responsibility_transfer")


def downgrade() -> None:
    # The stays cleared are not restored: they no longer answer for the case.
    pass
