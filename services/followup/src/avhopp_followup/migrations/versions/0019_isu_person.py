"""ISU counts persons: each case's row keeps the person's first case.

ISU is individual-based (004 Del 2) and a cell under five persons is
suppressed; a person who aborted and applied again, each re-application a
new case linked to the one before (``previous_case_id``), was counted once
per case, so a cell about one person could be released as five. A
re-application's row now names the first case of its chain, and the rows
already stored are filled in from the links the exit records keep
(``followup_exit.earlier_case_id``, kept since 0009 for every case ISU has).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_LINKS = sa.text(
    "SELECT case_id, earlier_case_id FROM followup_exit WHERE earlier_case_id IS NOT NULL"
)
_SET_FIRST = sa.text("UPDATE followup_isu_case SET first_case_id = :first WHERE case_id = :case")


def _first_cases(links: dict[str, str]) -> dict[str, str]:
    """Each re-application's first case: its links followed back as far as this
    service knows them (the earliest case named, known here or not)."""
    first: dict[str, str] = {}
    for case_id in links:
        earlier, seen = links[case_id], {case_id}
        while earlier in links and earlier not in seen:
            seen.add(earlier)
            earlier = links[earlier]
        first[case_id] = earlier
    return first


def upgrade() -> None:
    with op.batch_alter_table("followup_isu_case") as batch:
        batch.add_column(sa.Column("first_case_id", sa.String(36), nullable=True))
    op.create_index(
        "ix_followup_isu_case_first_case",
        "followup_isu_case",
        ["first_case_id"],
        postgresql_where=sa.text("first_case_id IS NOT NULL"),
        sqlite_where=sa.text("first_case_id IS NOT NULL"),
    )
    bind = op.get_bind()
    links = {row.case_id: row.earlier_case_id for row in bind.execute(_LINKS)}
    found = _first_cases(links)
    if found:
        bind.execute(_SET_FIRST, [{"case": case, "first": first} for case, first in found.items()])


def downgrade() -> None:
    op.drop_index("ix_followup_isu_case_first_case", table_name="followup_isu_case")
    with op.batch_alter_table("followup_isu_case") as batch:
        batch.drop_column("first_case_id")
