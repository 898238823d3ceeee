"""Consent records: granted, withdrawn, never deleted.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_record",
        sa.Column("consent_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("valid_from", UtcDateTime(), nullable=False),
        sa.Column("valid_to", UtcDateTime(), nullable=True),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("document_reference", sa.String(200), nullable=True),
        sa.Column("oral_note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.JSON(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
        sa.Column("withdrawn_by", sa.JSON(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_consent_record_case_id", "consent_record", ["case_id"])


def downgrade() -> None:
    op.drop_index("ix_consent_record_case_id", table_name="consent_record")
    op.drop_table("consent_record")
