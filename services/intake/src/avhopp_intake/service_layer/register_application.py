"""Registering an application: the case row and ``case.application_received`` commit together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from avhopp_intake.adapters.case_repository import CaseRepository, IdempotencyKey, KeyedCase
from avhopp_intake.domain.application import (
    Applicant,
    Application,
    new_case_id,
    require_received_after_birth,
)
from avhopp_intake.domain.consent import ConsentRecord, ConsentRuleBroken, RecordedBy
from avhopp_intake.service_layer.consents import RecordConsent, new_consent, store_granted
from avhopp_shared.access.responsibility_copy import record_receiving_municipality
from avhopp_shared.errors import NotFound
from avhopp_shared.events.case_events import AppliedFor, Channel, ReferralSource
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class RegisterApplication:
    received_at: datetime
    channel: Channel
    referral_source: ReferralSource
    applied_for: tuple[AppliedFor, ...]
    out_of_hours: bool
    applicant: Applicant
    municipality: str
    summary: str | None = None
    idempotency: IdempotencyKey | None = None
    consents: tuple[RecordConsent, ...] = ()
    recorded_by: RecordedBy | None = None


@dataclass(frozen=True, slots=True)
class Registered:
    application: Application
    created: bool


class KeyReused(Exception):
    """The client sent its Idempotency-Key before with another body.

    Answering with the earlier case would lose this application without a
    word; opening a case would break the key's promise. The client must send
    a new key (the IETF httpapi Idempotency-Key draft answers 422 here).
    """


async def register_application(uow: UnitOfWork, command: RegisterApplication) -> Registered:
    """Stages the case, its consents and their events in ``uow``, which must be open.

    The caller commits: the route answers with a disclosure, and the case, its
    events and the answer's audit entry commit together or not at all.
    """
    require_received_after_birth(command.received_at, command.applicant.personal_identity_number)
    cases = CaseRepository(uow.session)
    key = command.idempotency
    if key is not None:
        # A client retrying after a timeout must not open a second case. The
        # key is looked up among this client's only: another client's case is
        # not its to see (ACCESS.md: everything not allowed is denied).
        earlier = await cases.by_idempotency_key(key.client_id, key.key)
        if earlier is not None:
            return _replayed(earlier, key)
    application = Application(
        case_id=new_case_id(),
        received_at=command.received_at,
        channel=command.channel,
        referral_source=command.referral_source,
        applied_for=command.applied_for,
        out_of_hours=command.out_of_hours,
        applicant=command.applicant,
        municipality=command.municipality,
        summary=command.summary,
        # A new application is always possible after an abort (PROCESS.md step 12);
        # it links to the person's earlier case in the same municipality only: one
        # this municipality is responsible for today, wherever it was received.
        # Each municipality is an authority of its own and secrecy holds between
        # them (OSL): a link to another municipality's case would tell this one,
        # and everyone who reads this case, that the person has a case there.
        previous_case_id=await cases.latest_of_person(
            command.applicant.personal_identity_number, command.municipality, today_in_sweden()
        ),
    )
    if not await cases.add(application, key):
        # A request with the same key opened the case while this one ran (a
        # client retrying before its first answer came back): the same answer.
        return await _replayed_taken(cases, key)
    await record_receiving_municipality(uow, application.case_id, command.municipality)
    for index, consent in enumerate(command.consents):
        assert command.recorded_by is not None
        # Consent events go first: a recipient's gate must know of the
        # consent before it decides on the application event.
        await store_granted(
            uow, _consent_at(index, application.case_id, consent, command.recorded_by)
        )
    uow.emit(application.received_event(), case_id=application.case_id)
    return Registered(application, created=True)


def _consent_at(index: int, case_id: str, command: RecordConsent, by: RecordedBy) -> ConsentRecord:
    """The application's consent at ``index``; a consent rule it breaks is named where the
    client sent the field (``consents.1.document_reference``), as the schema names
    ``consents.1.valid_to``: a bare ``document_reference`` points at no field of the body."""
    try:
        return new_consent(case_id, command, by, utcnow())
    except ConsentRuleBroken as broken:
        [(field, reason), *also] = [(f"consents.{index}.{f}", r) for f, r in broken.problems]
        raise ConsentRuleBroken(field, reason, also=also) from None


def _replayed(earlier: KeyedCase, key: IdempotencyKey) -> Registered:
    if earlier.fingerprint != key.fingerprint:
        raise KeyReused("this Idempotency-Key was used before with another request body")
    return Registered(earlier.application, created=False)


async def _replayed_taken(cases: CaseRepository, key: IdempotencyKey | None) -> Registered:
    earlier = await cases.by_idempotency_key(key.client_id, key.key) if key is not None else None
    if key is None or earlier is None:
        # Only the key can be taken: case ids are random UUIDs.
        raise RuntimeError("a new case's row was not written, and no case holds its key")
    return _replayed(earlier, key)


async def get_application(uow: UnitOfWork, case_id: str) -> Application:
    async with uow:
        application = await CaseRepository(uow.session).get(case_id)
    if application is None:
        raise NotFound("case", case_id)
    return application
