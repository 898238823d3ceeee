"""The access tables every service that keeps an access state adds in its own
migrations: one definition here, called from each service's revision."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime


def create_access_state_hold_table() -> None:
    """Cases whose access state is on hold (``state_hold``)."""
    op.create_table(
        "access_state_hold",
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_access_state_hold_case", "access_state_hold", ["case_id"])


def drop_access_state_hold_table() -> None:
    op.drop_index("ix_access_state_hold_case", table_name="access_state_hold")
    op.drop_table("access_state_hold")


def create_access_expiry_swept_table() -> None:
    """Grants swept at their end in time (``expiry_sweep``): a row claims a grant, so
    its purge runs once, whichever replica takes it."""
    op.create_table(
        "access_expiry_swept",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("grant_id", sa.String(36), primary_key=True),
        sa.Column("swept_at", UtcDateTime(), nullable=False),
    )


def drop_access_expiry_swept_table() -> None:
    op.drop_table("access_expiry_swept")


#: The columns naming who recorded a legal basis (``LegalBasisRow.granted_by_*``).
LEGAL_BASIS_RECORDER = ("granted_by_agency", "granted_by_organisation")


def add_legal_basis_recorder_columns() -> None:
    """Who recorded each legal basis: it opens only that agency's records. Rows kept
    before are left null, a basis whose recorder is not known, which opens nothing
    (policies/access/legal_basis.rego), unless the service can tell who it was."""
    with op.batch_alter_table("access_legal_basis") as batch:
        batch.add_column(sa.Column("granted_by_agency", sa.String(20), nullable=True))
        batch.add_column(sa.Column("granted_by_organisation", sa.String(200), nullable=True))


def drop_legal_basis_recorder_columns() -> None:
    with op.batch_alter_table("access_legal_basis") as batch:
        for name in reversed(LEGAL_BASIS_RECORDER):
            batch.drop_column(name)
