"""Data migrations on a municipal responsibility record and its copies.

Any pair of tables shaped as ``responsibility_queries`` describes: social
services' own record (``social_responsibility``) or a service's copy
(``access_responsibility``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


def end_stays_ended_by_a_transfer(record: str, transfers: str) -> None:
    """A transfer ends the municipality of stay (2 a kap. 10 § SoL), which records made
    before that rule still held: the stay is cleared where it is not where the
    latest transfer moves the case (in ``Transfer.order``). A stay recorded anew
    after a transfer cannot be told from an old one and is cleared too: the
    responsible municipality records it again. Not undone on a downgrade.

    Kept for the migrations that ran it: the rule is now read, not written
    (``Responsibility.stay_on``: the stay acts until a transfer elsewhere has
    taken effect), and a recorded stay is left as it was recorded."""
    held = sa.table(record, sa.column("case_id"), sa.column("stay"))
    moves = sa.table(
        transfers,
        sa.column("transfer_id"),
        sa.column("case_id"),
        sa.column("to_municipality"),
        sa.column("requested_on"),
        sa.column("decided_on"),
        sa.column("effective_on"),
    )
    order = (moves.c.effective_on, moves.c.decided_on, moves.c.requested_on, moves.c.transfer_id)
    latest = (
        sa.select(moves.c.to_municipality)
        .where(moves.c.case_id == held.c.case_id)
        .order_by(*(column.desc() for column in order))
        .limit(1)
        .scalar_subquery()
    )
    op.execute(
        sa.update(held)
        .where(held.c.stay.is_not(None), held.c.stay != sa.func.coalesce(latest, held.c.stay))
        .values(stay=None)
    )


def add_stay_since(record: str) -> None:
    """The day the stay was recorded (``Responsibility.stay_since``): a stay recorded
    after a transfer had taken effect acts; one before it ends on its day. Stays
    already recorded keep it empty, their day unknown, and are read by the rule
    they were recorded under: ended by every transfer in effect."""
    with op.batch_alter_table(record) as batch:
        batch.add_column(sa.Column("stay_since", sa.Date(), nullable=True))


def drop_stay_since(record: str) -> None:
    """Undoes ``add_stay_since``. A stay recorded after a transfer took effect ends on
    the downgrade, as the code it goes back to reads it."""
    with op.batch_alter_table(record) as batch:
        batch.drop_column("stay_since")
