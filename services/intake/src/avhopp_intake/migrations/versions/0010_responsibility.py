"""Intake's copy of which municipality answers for each case (2 a kap. SoL).

Revision ID: 0010
Revises: 0009
"""

from alembic import op

from avhopp_shared.access.migration_ops import (
    create_access_responsibility_tables,
    drop_access_responsibility_tables,
)

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Cases received before now have their receiving municipality on the case row.
    create_access_responsibility_tables()
    op.execute(
        "INSERT INTO access_responsibility (case_id, residence) "
        "SELECT case_id, municipality FROM intake_case WHERE municipality IS NOT NULL"
    )


def downgrade() -> None:
    drop_access_responsibility_tables()
