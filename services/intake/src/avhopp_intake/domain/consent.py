"""A consent record (samtycke) to information exchange — PROCESS.md step 4, ACCESS.md.

As a main rule the person must consent before social services share with or
obtain information from police, probation, SiS or others (10 kap. 1 § and
26 kap. 1 § OSL). It is written as a rule; otherwise there must at least be a
note of when and how it was obtained (004 Del 2, "Inhämta samtycke").
Withdrawal is a new state, never a delete: the history stays readable.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_intake.domain.recipients import by_municipality_code, for_municipality
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.errors import Conflict, InvalidInput
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn, Recipient
from avhopp_shared.municipalities import UnknownMunicipality


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    ORAL = "oral"


class ConsentStatus(StrEnum):
    """Where a consent stands at a given moment; computed, never stored."""

    #: Recorded with a ``valid_from`` still ahead: not yet in force, so nothing is
    #: shared on it until then (the disclosure gate reads ``valid_from`` itself).
    PENDING = "pending"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class ConsentRuleBroken(InvalidInput):
    """A consent that the law would not accept as recorded."""


@dataclass(frozen=True, slots=True)
class RecordedBy:
    client_id: str
    agency: str
    organisation: str
    user: str | None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    at: datetime
    by: RecordedBy
    reason: str | None


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    consent_id: str
    case_id: str
    recipients: tuple[Recipient, ...]
    categories: tuple[Category, ...]
    purposes: tuple[Purpose, ...]
    valid_from: datetime
    valid_to: datetime | None
    method: ConsentMethod
    document_reference: str | None
    oral_note: str | None
    recorded_by: RecordedBy
    recorded_at: datetime
    withdrawal: Withdrawal | None = None

    def status(self, now: datetime) -> ConsentStatus:
        if self.withdrawal is not None:
            return ConsentStatus.WITHDRAWN
        if self.valid_to is not None and now >= self.valid_to:
            return ConsentStatus.EXPIRED
        # Reporting a consent "active" before it starts would tell a caseworker
        # that police may already be told, while every read is still refused.
        if now < self.valid_from:
            return ConsentStatus.PENDING
        return ConsentStatus.ACTIVE

    def withdrawn(self, withdrawal: Withdrawal) -> ConsentRecord:
        if self.withdrawal is not None:
            raise Conflict(f"consent {self.consent_id} was already withdrawn")
        return dataclasses.replace(self, withdrawal=withdrawal)

    def granted_event(self) -> ConsentGranted:
        return ConsentGranted(
            case_id=self.case_id,
            consent_id=self.consent_id,
            recipients=list(self.recipients),
            categories=list(self.categories),
            purposes=list(self.purposes),
            valid_from=self.valid_from,
            valid_to=self.valid_to,
        )

    def withdrawn_event(self) -> ConsentWithdrawn:
        assert self.withdrawal is not None
        return ConsentWithdrawn(
            case_id=self.case_id, consent_id=self.consent_id, withdrawn_at=self.withdrawal.at
        )


def record_consent(
    *,
    case_id: str,
    recipients: tuple[Recipient, ...],
    categories: tuple[Category, ...],
    purposes: tuple[Purpose, ...],
    valid_from: datetime,
    valid_to: datetime | None,
    method: ConsentMethod,
    document_reference: str | None,
    oral_note: str | None,
    recorded_by: RecordedBy,
    recorded_at: datetime,
) -> ConsentRecord:
    if method is ConsentMethod.WRITTEN and not document_reference:
        raise ConsentRuleBroken(
            "document_reference", "a written consent needs a document reference"
        )
    if method is ConsentMethod.ORAL and not oral_note:
        # 004 Del 2: otherwise at least notes of when and how it was obtained.
        raise ConsentRuleBroken(
            "oral_note", "an oral consent needs a note of when and how it was given"
        )
    if valid_to is not None and valid_to <= valid_from:
        raise ConsentRuleBroken("valid_to", "must be after valid_from")
    recipients = tuple(
        _social_services_of_recorder(_named_municipality(index, r), recorded_by)
        for index, r in enumerate(recipients)
    )
    if valid_to is not None and valid_to <= recorded_at:
        # A consent that has already ended allows nothing: recording it would
        # only leave an "expired" record that looks like a consent once given
        # through the platform and announce it to every service.
        raise ConsentRuleBroken("valid_to", "must be in the future: this consent has already ended")
    for name, values in (
        ("recipients", recipients),
        ("categories", categories),
        ("purposes", purposes),
    ):
        if not values:
            raise ConsentRuleBroken(name, "must name at least one")
        if len(set(values)) != len(values):
            raise ConsentRuleBroken(name, "must not repeat an item")
    return ConsentRecord(
        consent_id=str(uuid.uuid4()),
        case_id=case_id,
        recipients=recipients,
        categories=categories,
        purposes=purposes,
        valid_from=valid_from,
        valid_to=valid_to,
        method=method,
        document_reference=document_reference,
        oral_note=oral_note,
        recorded_by=recorded_by,
        recorded_at=recorded_at,
    )


def _named_municipality(index: int, recipient: Recipient) -> Recipient:
    """A social-services recipient's municipality, by code or exact name, kept as its
    code: that is the organisation of its social services' callers. Any other value
    would match no one, yet the consent be reported active (``recipients.N.organisation``
    refused instead)."""
    try:
        return by_municipality_code(recipient, f"recipients.{index}.organisation")
    except UnknownMunicipality as unknown:
        raise ConsentRuleBroken(unknown.field, unknown.reason) from None


def _social_services_of_recorder(recipient: Recipient, recorded_by: RecordedBy) -> Recipient:
    """A social-services recipient naming no municipality is the recording municipality.

    The person consents to the social services working the case, not to every
    municipality in Sweden: each municipality is an authority of its own and
    secrecy holds between them (OSL). Recorded as the whole agency, the consent
    would open police's threat picture to every municipality's social services
    (policies/lib/match.rego: a recipient without an organisation is the whole
    agency). Only social services of the responsible municipality record consent
    (``consent.write``), so the recorder's organisation is that municipality.
    """
    if recipient.agency != "social" or recipient.organisation is not None:
        return recipient
    if recorded_by.agency != "social":
        raise ConsentRuleBroken(
            "recipients", "a social-services recipient must name its municipality"
        )
    return for_municipality(recipient, recorded_by.organisation)
