"""Recording and withdrawing consent: the record, its event and this service's gate state commit together."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from avhopp_intake.adapters.case_repository import CaseRepository
from avhopp_intake.adapters.consent_repository import ConsentRepository
from avhopp_intake.domain.consent import (
    ConsentMethod,
    ConsentRecord,
    RecordedBy,
    Withdrawal,
    record_consent,
)
from avhopp_intake.service_layer.access_grants import announce
from avhopp_intake.service_layer.case_to_police import police_know_of, send_if_opened
from avhopp_shared.access import state_versions
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.access.gate import DisclosureGate
from avhopp_shared.errors import NotFound
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RecordConsent:
    recipients: tuple[Recipient, ...]
    categories: tuple[Category, ...]
    purposes: tuple[Purpose, ...]
    valid_from: datetime
    valid_to: datetime | None
    method: ConsentMethod
    document_reference: str | None
    oral_note: str | None


def new_consent(
    case_id: str, command: RecordConsent, by: RecordedBy, now: datetime
) -> ConsentRecord:
    return record_consent(
        case_id=case_id,
        recipients=command.recipients,
        categories=command.categories,
        purposes=command.purposes,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        method=command.method,
        document_reference=command.document_reference,
        oral_note=command.oral_note,
        recorded_by=by,
        recorded_at=now,
    )


async def store_granted(uow: UnitOfWork, consent: ConsentRecord) -> None:
    """Inside an open unit of work: the record, the event, and intake's own gate state."""
    await ConsentRepository(uow.session).add(consent)
    await announce(uow, consent.granted_event(), consent.case_id)


async def grant_consent(
    uow: UnitOfWork,
    case_id: str,
    command: RecordConsent,
    by: RecordedBy,
    now: datetime,
    gate: DisclosureGate,
) -> ConsentRecord:
    """Stages the consent in ``uow``, which must be open; the caller commits (with the
    answer's audit entry, as for an application). ``gate``: intake's, to tell whether
    the consent opens the case to police (``case_to_police``)."""
    consent = new_consent(case_id, command, by, now)
    if await CaseRepository(uow.session).get(case_id) is None:
        raise NotFound("case", case_id)
    # Whether police's services knew of the case is decided after any change of its
    # state in flight (a withdrawal, another grant) has committed: decided before, a
    # withdrawal that purges police's task would leave this consent, which opens the
    # case to police again, sending them nothing; and of two grants, both would send.
    await state_versions.lock(uow.session, case_id)
    knew = await police_know_of(uow, gate, case_id)
    await store_granted(uow, consent)
    await send_if_opened(uow, gate, case_id, knew)
    return consent


async def withdraw_consent(
    uow: UnitOfWork, case_id: str, consent_id: str, withdrawal: Withdrawal
) -> ConsentRecord:
    """Stages the withdrawal in ``uow``, which must be open; the caller commits."""
    if await CaseRepository(uow.session).get(case_id) is None:
        raise NotFound("consent", consent_id)
    # The case's state first, as a grant takes it, then the consent's row: the
    # withdrawals and grants of a case are made one after the other, each decided on
    # what the one before it committed.
    await state_versions.lock(uow.session, case_id)
    consents = ConsentRepository(uow.session)
    # Locked: two withdrawals in flight at once (a retry on another replica)
    # must not both find the consent active; the second sees the first's and
    # is refused, so one withdrawal is recorded and announced.
    consent = await consents.get(case_id, consent_id, for_update=True)
    if consent is None:
        raise NotFound("consent", consent_id)
    consent = consent.withdrawn(withdrawal)
    await consents.save_withdrawal(consent)
    await announce(uow, consent.withdrawn_event(), case_id)
    return consent


async def list_consents(uow: UnitOfWork, case_id: str) -> Sequence[ConsentRecord]:
    async with uow:
        if await CaseRepository(uow.session).get(case_id) is None:
            raise NotFound("case", case_id)
        return await ConsentRepository(uow.session).for_case(case_id)


async def get_consent(uow: UnitOfWork, case_id: str, consent_id: str) -> ConsentRecord:
    async with uow:
        consent = await ConsentRepository(uow.session).get(case_id, consent_id)
    if consent is None:
        raise NotFound("consent", consent_id)
    return consent
