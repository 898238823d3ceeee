"""The case-team members police's service keeps: police and social-services members only.

Which provider (or probation officer, or SiS unit) is on a case's team is not police's
to know: a provider working with the person is ``interventions``, "none" for police
(ACCESS.md), and a housing provider's name can point to the town. Team changes naming
such a member no longer reach police's copy (``avhopp_shared.access.copy_rules``,
``TEAM_CELLS``), so a removal of one recorded before this release would never arrive
either: the rows are dropped here, and their cases' access state versions bumped so no
replica decides on a state cached with them.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE access_state_version SET version = version + 1 WHERE case_id IN "
            "(SELECT case_id FROM access_team_member WHERE agency NOT IN ('police', 'social'))"
        )
    )
    op.execute(sa.text("DELETE FROM access_team_member WHERE agency NOT IN ('police', 'social')"))


def downgrade() -> None:
    # The rows dropped told police what they may not know; they are not put back.
    pass
