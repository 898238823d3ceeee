"""Events go out once per receiving agency, each on that agency's own topic and cut to
what it may receive (avhopp_shared.access.event_audiences): the outbox's event id is
unique per topic, and what is not yet published is split the same way.

Revision ID: 0013
Revises: 0012
"""

from avhopp_shared.messaging.migration_ops import split_unsent_events_by_audience

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    split_unsent_events_by_audience()


def downgrade() -> None:
    # Not put back together on topics every agency's services read whole.
    pass
