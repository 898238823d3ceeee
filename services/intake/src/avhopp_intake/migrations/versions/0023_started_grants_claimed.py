"""Grants in force before the start sweep existed are claimed as started
(``service_layer.started_grants``): what they opened to police was decided when they
were recorded, and only a grant that starts after it is recorded is ever swept. A
grant whose start is still to come stays unclaimed, and is swept when it starts.

Revision ID: 0023
Revises: 0022
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from avhopp_shared.db.types import UtcDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_KINDS = (
    ("consent_start", "access_consent", "consent_id"),
    ("legal_basis_start", "access_legal_basis", "legal_basis_id"),
)
_SWEPT = sa.table(
    "access_expiry_swept",
    sa.column("kind", sa.String),
    sa.column("grant_id", sa.String),
    sa.column("swept_at", UtcDateTime()),
)


def upgrade() -> None:
    now = sa.bindparam("now", datetime.now(UTC), type_=UtcDateTime())
    for kind, name, key in _KINDS:
        grants = sa.table(name, sa.column(key, sa.String), sa.column("valid_from", UtcDateTime()))
        started = sa.select(sa.literal(kind), grants.c[key], now).where(grants.c.valid_from <= now)
        op.execute(_SWEPT.insert().from_select(["kind", "grant_id", "swept_at"], started))


def downgrade() -> None:
    op.execute(_SWEPT.delete().where(_SWEPT.c.kind.in_([kind for kind, _, _ in _KINDS])))
