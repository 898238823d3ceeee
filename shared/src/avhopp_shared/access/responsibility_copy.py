"""Keeping and reading a service's copy of the municipal responsibility.

The copy starts with the municipality that received the application (the
residence until social services say otherwise, 2 a kap. SoL) and follows
``social.responsibility_recorded`` and ``social.responsibility_transferred``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select

from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.social_events import ResponsibilityRecorded, ResponsibilityTransferred
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.municipal_responsibility import Responsibility, Transfer
from avhopp_shared.uow import UnitOfWork

_copy = ResponsibilityCopyRow.__table__  # type: ignore[attr-defined]
_transfer = TransferCopyRow.__table__  # type: ignore[attr-defined]

#: One round trip: the record and every transfer, a row per transfer.
_HELD = (
    select(
        _copy.c.residence,
        _copy.c.stay,
        _transfer.c.transfer_id,
        _transfer.c.to_municipality,
        _transfer.c.requested_on,
        _transfer.c.decided_on,
        _transfer.c.effective_on,
    )
    .select_from(_copy.outerjoin(_transfer, _transfer.c.case_id == _copy.c.case_id))
    .where(_copy.c.case_id == bindparam("case_id"))
)


async def record_receiving_municipality(uow: UnitOfWork, case_id: str, municipality: str) -> None:
    """The copy's start: the receiving municipality is the residence (unless already known)."""
    await insert_new(
        uow.session, ResponsibilityCopyRow, {"case_id": case_id, "residence": municipality}
    )


async def responsibility_copy(uow: UnitOfWork, case_id: str) -> Responsibility:
    """:class:`NotFound` for a case this service holds no responsibility for: it does not
    know the case (or knew it before the receiving municipality was recorded)."""
    connection = await uow.session.connection()
    rows = (await connection.execute(_HELD, {"case_id": case_id})).all()
    if not rows:
        raise NotFound("case", case_id)
    residence, stay = rows[0][0], rows[0][1]
    transfers = tuple(Transfer(*row[2:]) for row in rows if row[2] is not None)
    return Responsibility(case_id, residence, stay, transfers)


async def may_work_in(
    uow: UnitOfWork, case_id: str, caller: Caller, today: date, acute: bool = True
) -> bool:
    """For ``MunicipalityScope``: whether the caller's municipality works in the case."""
    held = await responsibility_copy(uow, case_id)
    return held.may_act(caller.municipality, today, acute=acute)


async def _on_recorded(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, ResponsibilityRecorded)
    row = await uow.session.get(ResponsibilityCopyRow, payload.case_id)
    if row is None:
        row = ResponsibilityCopyRow(case_id=payload.case_id, residence=payload.residence)
    row.residence, row.stay = payload.residence, payload.stay
    uow.session.add(row)


async def _on_transferred(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    assert isinstance(payload, ResponsibilityTransferred)
    await insert_new(
        uow.session,
        TransferCopyRow,
        {
            "transfer_id": payload.transfer_id,
            "case_id": payload.case_id,
            "to_municipality": payload.to_municipality,
            "requested_on": payload.requested_on,
            "decided_on": payload.decided_on,
            "effective_on": payload.effective_on,
        },
    )


#: The handlers a service adds to what it consumes to keep the copy.
RESPONSIBILITY_HANDLERS: Mapping[str, EventHandler] = {
    ResponsibilityRecorded.event_type: _on_recorded,
    ResponsibilityTransferred.event_type: _on_transferred,
}


def responsible_cases(
    municipality: str, today: date, case_id: ColumnElement[Any]
) -> ColumnElement[bool]:
    """``case_id`` is one of the cases this municipality works in today (as ``may_act``)."""
    latest = (
        select(_transfer.c.to_municipality)
        .where(_transfer.c.case_id == _copy.c.case_id, _transfer.c.effective_on <= today)
        .order_by(_transfer.c.effective_on.desc())
        .limit(1)
        .scalar_subquery()
    )
    responsible = func.coalesce(latest, _copy.c.residence)
    cases = select(_copy.c.case_id).where(
        or_(responsible == municipality, _copy.c.stay == municipality)
    )
    return case_id.in_(cases)
