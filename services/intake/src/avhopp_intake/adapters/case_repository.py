from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_intake.adapters.tables import CaseRecord
from avhopp_intake.domain.application import Applicant, Application
from avhopp_shared.access.responsibility_queries import read_responsibility
from avhopp_shared.access.responsibility_tables import ResponsibilityCopyRow, TransferCopyRow
from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.events.case_events import AppliedFor, Channel, ReferralSource

_case = CaseRecord.__table__  # type: ignore[attr-defined]
_copy = ResponsibilityCopyRow.__table__  # type: ignore[attr-defined]
_transfer = TransferCopyRow.__table__  # type: ignore[attr-defined]
# Built once: every application asks it, and building costs more than running.
_CASES_OF_PERSON = (
    sa_select(_case.c.case_id)
    .where(_case.c.personal_identity_number == bindparam("number"))
    .order_by(_case.c.received_at.desc())
)


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    """A client's Idempotency-Key, and the fingerprint of the body it came with."""

    client_id: str
    key: str
    fingerprint: str


@dataclass(frozen=True, slots=True)
class KeyedCase:
    """The case a client's key opened, and the fingerprint of the body that opened it."""

    application: Application
    fingerprint: str | None


class CaseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, application: Application, idempotency: IdempotencyKey | None) -> bool:
        """Adds the case; False when the client's idempotency key is taken (by a
        concurrent request that committed first: the insert waits for it, then
        does nothing)."""
        applicant = application.applicant
        return await insert_new(
            self._session,
            CaseRecord,
            {
                "case_id": application.case_id,
                "received_at": application.received_at,
                "channel": application.channel.value,
                "referral_source": application.referral_source.value,
                "applied_for": [item.value for item in application.applied_for],
                "out_of_hours": application.out_of_hours,
                "summary": application.summary,
                "given_name": applicant.given_name,
                "family_name": applicant.family_name,
                "personal_identity_number": applicant.personal_identity_number,
                "phone": applicant.phone,
                "idempotency_key": idempotency.key if idempotency else None,
                "idempotency_client": idempotency.client_id if idempotency else None,
                "request_fingerprint": idempotency.fingerprint if idempotency else None,
                "municipality": application.municipality,
                "previous_case_id": application.previous_case_id,
            },
        )

    async def get(self, case_id: str) -> Application | None:
        record = await self._session.get(CaseRecord, case_id)
        return _to_domain(record) if record else None

    async def latest_of_person(
        self, personal_identity_number: str, municipality: str, today: date
    ) -> str | None:
        """The case id of the person's latest case that ``municipality`` is responsible for
        on ``today``, by this service's copy of the responsibility.

        Not the municipality that received it: after a transfer the case is the new
        municipality's record, and secrecy holds between them (OSL). Nor one where
        ``municipality`` is only the municipality of stay: it acts there for another
        authority, whose case it stays.
        """
        connection = await self._session.connection()
        cases = await connection.execute(_CASES_OF_PERSON, {"number": personal_identity_number})
        for case_id in cases.scalars().all():
            # Read one by one, newest first, by the same rule the access checks use
            # (``Responsibility.responsible_on``): a person has few cases, most none.
            held = await read_responsibility(connection, _copy, _transfer, case_id)
            if held is not None and held.responsible_on(today) == municipality:
                return str(case_id)
        return None

    async def by_idempotency_key(self, client_id: str, key: str) -> KeyedCase | None:
        """The case this client's key opened; another client's same key is not looked at."""
        result = await self._session.exec(
            select(CaseRecord).where(
                CaseRecord.idempotency_client == client_id, CaseRecord.idempotency_key == key
            )
        )
        record = result.first()
        return KeyedCase(_to_domain(record), record.request_fingerprint) if record else None


def _to_domain(record: CaseRecord) -> Application:
    return Application(
        case_id=record.case_id,
        received_at=record.received_at,
        channel=Channel(record.channel),
        referral_source=ReferralSource(record.referral_source),
        applied_for=tuple(AppliedFor(item) for item in record.applied_for),
        out_of_hours=record.out_of_hours,
        summary=record.summary,
        municipality=record.municipality,
        previous_case_id=record.previous_case_id,
        applicant=Applicant(
            given_name=record.given_name,
            family_name=record.family_name,
            personal_identity_number=record.personal_identity_number,
            phone=record.phone,
        ),
    )
