"""Reading a municipal responsibility, and the cases a municipality works in, from any
pair of tables shaped like it: social services' own record, or the copy other
services keep (``responsibility_tables``). Both have ``case_id``, ``residence``,
``stay`` and ``stay_since``; their transfers ``transfer_id``, ``case_id``, ``to_municipality``,
``requested_on``, ``decided_on`` and ``effective_on``.

Transfers are ordered as ``Transfer.order`` orders them, here and in Python
alike, so that the listing and the check on one case never disagree."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Executable, Table, and_, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from avhopp_shared.municipal_responsibility import Responsibility, Transfer


@cache
def _held(record: Table, transfers: Table) -> Executable:
    """One round trip: the record and every transfer, a row per transfer, in order."""
    return (
        select(
            record.c.residence,
            record.c.stay,
            record.c.stay_since,
            transfers.c.transfer_id,
            transfers.c.to_municipality,
            transfers.c.requested_on,
            transfers.c.decided_on,
            transfers.c.effective_on,
        )
        .select_from(record.outerjoin(transfers, transfers.c.case_id == record.c.case_id))
        .where(record.c.case_id == bindparam("case_id"))
        .order_by(*_in_order(transfers))
    )


def _in_order(transfers: Table) -> tuple[Any, ...]:
    """``Transfer.order``: when it takes effect, then decided, requested, its id."""
    c = transfers.c
    return (c.effective_on, c.decided_on, c.requested_on, c.transfer_id)


async def read_responsibility(
    connection: AsyncConnection, record: Table, transfers: Table, case_id: str
) -> Responsibility | None:
    """None when the case has no record in ``record``."""
    rows = (await connection.execute(_held(record, transfers), {"case_id": case_id})).all()
    if not rows:
        return None
    residence, stay, stay_since = rows[0][0], rows[0][1], rows[0][2]
    moves = tuple(Transfer(*row[3:]) for row in rows if row[3] is not None)
    return Responsibility(case_id, residence, stay, moves, stay_since)


def responsible_cases(
    record: Table, transfers: Table, municipality: str, today: date, case_id: Any
) -> ColumnElement[bool]:
    """``case_id`` is one of the cases this municipality works in today (as
    ``Responsibility.may_act``: the responsible municipality, or that of stay
    until a transfer elsewhere, taking effect after the stay was recorded, has
    taken effect)."""
    latest = (
        select(transfers.c.to_municipality)
        .where(transfers.c.case_id == record.c.case_id, transfers.c.effective_on <= today)
        .order_by(*(column.desc() for column in _in_order(transfers)))
        .limit(1)
        .scalar_subquery()
    )
    responsible = func.coalesce(latest, record.c.residence)
    # ``Responsibility.stay_on``: the stay acts until a transfer to another
    # municipality has taken effect (2 a kap. 10 § SoL), not from when it is recorded;
    # one in effect when the stay was recorded does not end it, and a stay with no
    # recorded day is ended by any.
    stay_ended = exists().where(
        transfers.c.case_id == record.c.case_id,
        transfers.c.effective_on <= today,
        transfers.c.to_municipality != record.c.stay,
        or_(record.c.stay_since.is_(None), transfers.c.effective_on > record.c.stay_since),
    )
    cases = select(record.c.case_id).where(
        or_(responsible == municipality, and_(record.c.stay == municipality, ~stay_ended))
    )
    return case_id.in_(cases)  # type: ignore[no-any-return]
