"""When an investigation started: the time its scope was first chosen, kept when the
scope changes later (the scope's own time is when it was last chosen).

An investigation already started gets its scope's time: the best one known here,
the first unless its scope was chosen again since.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("social_investigation") as batch:
        batch.add_column(sa.Column("started_at", UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE social_investigation SET started_at = ("
        "SELECT recorded_at FROM social_investigation_scope AS scope "
        "WHERE scope.case_id = social_investigation.case_id"
        ") WHERE status = 'in_progress'"
    )


def downgrade() -> None:
    with op.batch_alter_table("social_investigation") as batch:
        batch.drop_column("started_at")
