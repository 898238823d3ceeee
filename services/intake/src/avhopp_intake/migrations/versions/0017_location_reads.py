"""The case owner's notices that someone read the new home town.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_location_read",
        sa.Column("alert_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("reader_agency", sa.String(20), nullable=False),
        sa.Column("reader_organisation", sa.String(200), nullable=False),
        sa.Column("reader_user", sa.String(200), nullable=True),
        sa.Column("read_at", UtcDateTime(), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
    )
    op.create_index("ix_intake_location_read_case_id", "intake_location_read", ["case_id"])
    # Alerts raised before this revision were published but kept by no service of
    # the case owner; they stay in the services' outboxes and audit trails.


def downgrade() -> None:
    op.drop_index("ix_intake_location_read_case_id", table_name="intake_location_read")
    op.drop_table("intake_location_read")
