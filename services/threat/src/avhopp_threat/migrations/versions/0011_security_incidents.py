"""Security incidents providers reported, as follow-up told police of them.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threat_security_incident",
        sa.Column("report_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("received_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_threat_security_incident_case_id", "threat_security_incident", ["case_id"])
    op.create_index(
        "ix_threat_security_incident_received_at", "threat_security_incident", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_threat_security_incident_received_at", table_name="threat_security_incident")
    op.drop_index("ix_threat_security_incident_case_id", table_name="threat_security_incident")
    op.drop_table("threat_security_incident")
