"""ISU facts: per case, per need at intake, per intervention.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_isu_case",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("municipality", sa.String(4), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("first_decision_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("relapsed", sa.Boolean(), nullable=False),
        sa.Column("initial_contact_days", sa.Integer(), nullable=True),
        sa.Column("acute_days", sa.Integer(), nullable=True),
        sa.Column("stabilising_days", sa.Integer(), nullable=True),
    )
    op.create_index(
        "ix_followup_isu_case_applied", "followup_isu_case", ["applied_on", "municipality"]
    )
    op.create_table(
        "followup_isu_need",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("need", sa.String(40), primary_key=True),
    )
    op.create_table(
        "followup_isu_intervention",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("intervention", sa.String(40), primary_key=True),
        sa.Column("decided", sa.Boolean(), nullable=False),
        sa.Column("carried_out", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("followup_isu_intervention")
    op.drop_table("followup_isu_need")
    op.drop_index("ix_followup_isu_case_applied", table_name="followup_isu_case")
    op.drop_table("followup_isu_case")
