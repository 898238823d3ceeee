"""Who recorded each legal basis: it opens only that agency's records (README, "Beyond
consent"). Intake audits every legal basis it records in the transaction that records
it, the entry naming the recorder's agency and organisation and the basis by its id
(``access_grants.record_legal_basis``: channel ``legal_basis``, ``decision_id``), so the
bases kept before are filled in from that entry. One without such an entry stays
without a recorder, and opens nothing (policies/access/legal_basis.rego).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

from avhopp_shared.access.table_migrations import (
    add_legal_basis_recorder_columns,
    drop_legal_basis_recorder_columns,
)

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

_BASIS = sa.table(
    "access_legal_basis",
    sa.column("legal_basis_id", sa.String),
    sa.column("granted_by_agency", sa.String),
    sa.column("granted_by_organisation", sa.String),
)
_AUDIT = sa.table(
    "audit_log",
    sa.column("id", sa.BigInteger),
    sa.column("channel", sa.String),
    sa.column("decision_id", sa.String),
    sa.column("agency", sa.String),
    sa.column("organisation", sa.String),
)


def _recorded(column: str) -> sa.ScalarSelect[str]:
    """The ``column`` of the basis's own audit entry (the first, should there be two)."""
    entry = (
        sa.select(_AUDIT.c[column])
        .where(_AUDIT.c.channel == "legal_basis", _AUDIT.c.decision_id == _BASIS.c.legal_basis_id)
        .order_by(_AUDIT.c.id)
        .limit(1)
    )
    return entry.scalar_subquery()


def upgrade() -> None:
    add_legal_basis_recorder_columns()
    audited = sa.exists().where(
        _AUDIT.c.channel == "legal_basis", _AUDIT.c.decision_id == _BASIS.c.legal_basis_id
    )
    op.execute(
        _BASIS.update()
        .where(audited)
        .values(
            granted_by_agency=_recorded("agency"),
            granted_by_organisation=_recorded("organisation"),
        )
    )


def downgrade() -> None:
    drop_legal_basis_recorder_columns()
