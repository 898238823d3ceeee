from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_intake.adapters.tables import ConsentRecordRow
from avhopp_intake.domain.consent import ConsentMethod, ConsentRecord, RecordedBy, Withdrawal
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.db.insert_row import insert_row
from avhopp_shared.events.consent_events import Recipient


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, consent: ConsentRecord) -> None:
        """A consent just recorded (its id is new)."""
        await insert_row(self._session, ConsentRecordRow, _values(consent))

    async def save_withdrawal(self, consent: ConsentRecord) -> None:
        """A recorded consent's withdrawal: the only change a consent ever takes."""
        row = await self._session.get(ConsentRecordRow, consent.consent_id)
        if row is None:
            raise LookupError(f"consent {consent.consent_id} was never recorded")
        values = _values(consent)
        for name in ("withdrawn_at", "withdrawn_by", "withdrawal_reason"):
            setattr(row, name, values[name])
        self._session.add(row)

    async def get(
        self, case_id: str, consent_id: str, *, for_update: bool = False
    ) -> ConsentRecord | None:
        """The consent; ``for_update`` locks its row until the transaction ends (PostgreSQL;
        SQLite writers are one at a time anyway), so that a change is decided on its
        latest state and not on one another writer is about to replace."""
        row = await self._session.get(ConsentRecordRow, consent_id, with_for_update=for_update)
        return _to_domain(row) if row is not None and row.case_id == case_id else None

    async def for_case(self, case_id: str) -> Sequence[ConsentRecord]:
        result = await self._session.exec(
            select(ConsentRecordRow)
            .where(ConsentRecordRow.case_id == case_id)
            .order_by(ConsentRecordRow.recorded_at)  # type: ignore[arg-type]
        )
        return [_to_domain(row) for row in result.all()]


def _values(consent: ConsentRecord) -> dict[str, Any]:
    withdrawal = consent.withdrawal
    return {
        "consent_id": consent.consent_id,
        "case_id": consent.case_id,
        "recipients": [r.model_dump() for r in consent.recipients],
        "categories": [c.value for c in consent.categories],
        "purposes": [p.value for p in consent.purposes],
        "valid_from": consent.valid_from,
        "valid_to": consent.valid_to,
        "method": consent.method.value,
        "document_reference": consent.document_reference,
        "oral_note": consent.oral_note,
        "recorded_by": dataclasses.asdict(consent.recorded_by),
        "recorded_at": consent.recorded_at,
        "withdrawn_at": withdrawal.at if withdrawal else None,
        "withdrawn_by": dataclasses.asdict(withdrawal.by) if withdrawal else None,
        "withdrawal_reason": withdrawal.reason if withdrawal else None,
    }


def _to_domain(row: ConsentRecordRow) -> ConsentRecord:
    withdrawal = None
    if row.withdrawn_at is not None and row.withdrawn_by is not None:
        withdrawal = Withdrawal(
            at=row.withdrawn_at, by=RecordedBy(**row.withdrawn_by), reason=row.withdrawal_reason
        )
    return ConsentRecord(
        consent_id=row.consent_id,
        case_id=row.case_id,
        recipients=tuple(Recipient(**r) for r in row.recipients),
        categories=tuple(Category(c) for c in row.categories),
        purposes=tuple(Purpose(p) for p in row.purposes),
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        method=ConsentMethod(row.method),
        document_reference=row.document_reference,
        oral_note=row.oral_note,
        recorded_by=RecordedBy(**row.recorded_by),
        recorded_at=row.recorded_at,
        withdrawal=withdrawal,
    )
