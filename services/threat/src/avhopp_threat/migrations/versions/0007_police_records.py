"""Threat assessments (versioned), register checks, protective measures, the police case.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threat_assessment",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("subject", sa.String(80), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("relative_id", sa.String(64), nullable=True),
        sa.Column("relation", sa.String(20), nullable=True),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("handling_level", sa.String(10), nullable=True),
        sa.Column("threat_picture", sa.Text(), nullable=False),
        sa.Column("risk_analysis", sa.Text(), nullable=False),
        sa.Column("threat_actors", sa.JSON(), nullable=False),
        sa.Column("networks", sa.JSON(), nullable=False),
        sa.Column("assessed_by", sa.String(200), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_threat_assessment_current_level", "threat_assessment", ["current", "level"])
    op.create_index(
        "ix_threat_assessment_current_review", "threat_assessment", ["current", "next_review_on"]
    )
    op.create_table(
        "threat_register_check",
        sa.Column("check_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("registers", sa.JSON(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checked_by", sa.String(200), nullable=False),
        sa.Column("hit", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_threat_register_check_case_id", "threat_register_check", ["case_id"])
    op.create_table(
        "threat_protective_measure",
        sa.Column("measure_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_index(
        "ix_threat_protective_measure_case_id", "threat_protective_measure", ["case_id"]
    )
    op.create_table(
        "threat_police_case",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("conditions_form_signed_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
    )
    op.create_table(
        "threat_interventions_decision",
        sa.Column("case_id", sa.String(36), primary_key=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("intervention_types", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("threat_interventions_decision")
    op.drop_table("threat_police_case")
    op.drop_index("ix_threat_protective_measure_case_id", table_name="threat_protective_measure")
    op.drop_table("threat_protective_measure")
    op.drop_index("ix_threat_register_check_case_id", table_name="threat_register_check")
    op.drop_table("threat_register_check")
    op.drop_index("ix_threat_assessment_current_review", table_name="threat_assessment")
    op.drop_index("ix_threat_assessment_current_level", table_name="threat_assessment")
    op.drop_table("threat_assessment")
