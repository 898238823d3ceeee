"""Intake's copy of the municipal responsibility, and who may work in a case here.

Social services decide the responsibility (services/social); their events
keep this copy. Until they record one, the municipality that received the
application is the residence (2 a kap. SoL).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import col

from avhopp_intake.adapters.tables import CaseRecord, ResponsibilityRow, ResponsibilityTransferRow
from avhopp_shared.auth.caller import Caller
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.social_events import ResponsibilityRecorded, ResponsibilityTransferred
from avhopp_shared.municipal_responsibility import Responsibility, Transfer
from avhopp_shared.uow import UnitOfWork

#: One round trip: the case's receiving municipality, social services' record
#: (if any) and every transfer, a row per transfer (one row without any).
_HELD = (
    sa_select(
        col(CaseRecord.municipality),
        col(ResponsibilityRow.residence),
        col(ResponsibilityRow.stay),
        col(ResponsibilityTransferRow.transfer_id),
        col(ResponsibilityTransferRow.to_municipality),
        col(ResponsibilityTransferRow.requested_on),
        col(ResponsibilityTransferRow.decided_on),
        col(ResponsibilityTransferRow.effective_on),
    )
    .select_from(CaseRecord)
    .outerjoin(ResponsibilityRow, col(ResponsibilityRow.case_id) == col(CaseRecord.case_id))
    .outerjoin(
        ResponsibilityTransferRow,
        col(ResponsibilityTransferRow.case_id) == col(CaseRecord.case_id),
    )
    .where(col(CaseRecord.case_id) == bindparam("case_id"))
)


async def responsibility_here(uow: UnitOfWork, case_id: str) -> Responsibility | None:
    """None for a case registered before the receiving municipality was recorded."""
    connection = await uow.session.connection()
    rows = (await connection.execute(_HELD, {"case_id": case_id})).all()
    if not rows:
        raise NotFound("case", case_id)
    received, recorded, stay = rows[0][0], rows[0][1], rows[0][2]
    residence = recorded or received
    if residence is None:
        return None
    transfers = tuple(Transfer(*row[3:]) for row in rows if row[3] is not None)
    return Responsibility(case_id, residence, stay, transfers)


async def may_work_in(
    uow: UnitOfWork, case_id: str, caller: Caller, today: date, acute: bool = True
) -> bool:
    held = await responsibility_here(uow, case_id)
    return held is not None and held.may_act(caller.municipality, today, acute=acute)


async def on_responsibility_recorded(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ResponsibilityRecorded)
    row = await uow.session.get(ResponsibilityRow, payload.case_id)
    if row is None:
        row = ResponsibilityRow(case_id=payload.case_id, residence=payload.residence)
    row.residence, row.stay = payload.residence, payload.stay
    uow.session.add(row)


async def on_responsibility_transferred(
    uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope
) -> None:
    assert isinstance(payload, ResponsibilityTransferred)
    await insert_new(
        uow.session,
        ResponsibilityTransferRow,
        {
            "transfer_id": payload.transfer_id,
            "case_id": payload.case_id,
            "to_municipality": payload.to_municipality,
            "requested_on": payload.requested_on,
            "decided_on": payload.decided_on,
            "effective_on": payload.effective_on,
        },
    )
