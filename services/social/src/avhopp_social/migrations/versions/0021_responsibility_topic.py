"""The responsibility events leave ``avhopp.social``, which police read: events not yet
published under their old names go out as ``responsibility.*`` on
``avhopp.responsibility``, which only social services' own services read.

Revision ID: 0021
Revises: 0020
"""

from avhopp_shared.messaging.migration_ops import rename_unsent_events

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


# Written out, not read from the registry, which drops the old names after a release.
RENAMED = {
    "social.responsibility_recorded": "responsibility.recorded",
    "social.responsibility_transferred": "responsibility.transferred",
}


def upgrade() -> None:
    rename_unsent_events(RENAMED)


def downgrade() -> None:
    # Not put back on the topic police read.
    pass
