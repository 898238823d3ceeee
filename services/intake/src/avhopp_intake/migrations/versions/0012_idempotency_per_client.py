"""An Idempotency-Key is unique per client, and remembers the body it was sent with.

A key unique across all clients let a second client's request with the same
key be answered with the first client's case: a disclosure with no decision
behind it (ACCESS.md: everything not allowed is denied).

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# 0001 left the key's unique constraint unnamed. PostgreSQL named it by this
# pattern; on SQLite the convention names it when the table is reflected, so
# that the one name drops it on both.
_KEY_UNIQUE = "intake_case_idempotency_key_key"
_NAMING = {"uq": "%(table_name)s_%(column_0_name)s_key"}


def upgrade() -> None:
    with op.batch_alter_table("intake_case", naming_convention=_NAMING) as batch:
        batch.drop_constraint(_KEY_UNIQUE, type_="unique")
        # Nullable: keys stored before this revision belong to no known client,
        # and so are never replayed to anyone.
        batch.add_column(sa.Column("idempotency_client", sa.String(200), nullable=True))
        batch.add_column(sa.Column("request_fingerprint", sa.String(64), nullable=True))
    op.create_index(
        "uq_intake_case_idempotency",
        "intake_case",
        ["idempotency_client", "idempotency_key"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_intake_case_idempotency", table_name="intake_case")
    with op.batch_alter_table("intake_case", naming_convention=_NAMING) as batch:
        batch.drop_column("request_fingerprint")
        batch.drop_column("idempotency_client")
        # Fails where two clients now hold one key: their cases cannot share it.
        batch.create_unique_constraint(_KEY_UNIQUE, ["idempotency_key"])
