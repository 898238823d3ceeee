"""The public shapes of consent records (ACCESS.md, "Consent records")."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from avhopp_intake.domain.consent import ConsentMethod, ConsentRecord, ConsentStatus, RecordedBy
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.web.dates import Timestamp


class ConsentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "recipients": [{"agency": "police"}],
                    "categories": ["case_ref", "identity"],
                    "purposes": ["protection"],
                    "valid_to": "2027-06-30T00:00:00+02:00",
                    "method": "written",
                    "document_reference": "Dnr 2026-1234, consent form p. 2",
                }
            ]
        },
    )

    recipients: list[Recipient] = Field(
        min_length=1,
        max_length=20,
        description=(
            "Who may receive: an agency, or one organisation of it. A social-services "
            "recipient is one municipality: its `organisation` is the municipality's code "
            "or exact name, recorded as the code; without one, the municipality that "
            "records the consent: the person consents to the social services working the "
            "case, not to every municipality's (secrecy holds between municipalities, OSL). "
            "A category a recipient can never be given is refused: a `none` cell of its "
            "agency, or an `own` cell where it does not hold every record of the category "
            "itself (probation and police's criminal history, another municipality and the "
            "person's identity)."
        ),
    )
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    purposes: list[Purpose] = Field(min_length=1, max_length=len(Purpose))
    valid_from: Timestamp | None = Field(
        default=None,
        description=(
            "Defaults to now. A later time records the consent as `pending`: nothing is "
            "shared on it until then. Must carry a timezone offset."
        ),
    )
    valid_to: Timestamp | None = Field(
        default=None,
        description=(
            "Open-ended when absent; otherwise after `valid_from` and in the future. "
            "Must carry a timezone offset."
        ),
    )
    method: ConsentMethod
    document_reference: str | None = Field(
        default=None, max_length=200, description="Required for a written consent."
    )
    oral_note: str | None = Field(
        default=None,
        max_length=4000,
        description="Required for an oral consent: when and how it was given (004 Del 2).",
    )

    @field_validator("valid_to")
    @classmethod
    def _ends_later(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        # The domain refuses these too; refusing them here as well names the
        # field where the client sent it (``consents.0.valid_to`` inside an
        # application), not just ``valid_to``.
        if value is None:
            return None
        if value <= utcnow():
            raise ValueError("must be in the future: this consent has already ended")
        start = info.data.get("valid_from")
        if start is not None and value <= start:
            raise ValueError("must be after valid_from")
        return value


class WithdrawalCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"reason": "The person withdrew the consent by phone to the caseworker"}]
        },
    )

    reason: str | None = Field(default=None, max_length=4000)


class RecordedByPublic(BaseModel):
    client_id: str
    agency: str
    organisation: str
    user: str | None

    @classmethod
    def of(cls, by: RecordedBy) -> RecordedByPublic:
        return cls(
            client_id=by.client_id, agency=by.agency, organisation=by.organisation, user=by.user
        )


class ConsentPublic(BaseModel):
    consent_id: str
    case_id: str
    status: ConsentStatus = Field(
        description=(
            "`pending` until `valid_from`, then `active` until `valid_to` (`expired` after); "
            "`withdrawn` once withdrawn. Only an `active` consent allows an exchange."
        )
    )
    recipients: list[Recipient]
    categories: list[Category]
    purposes: list[Purpose]
    valid_from: datetime
    valid_to: datetime | None
    method: ConsentMethod
    document_reference: str | None
    oral_note: str | None
    recorded_by: RecordedByPublic
    recorded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_by: RecordedByPublic | None
    withdrawal_reason: str | None

    @classmethod
    def of(cls, consent: ConsentRecord) -> ConsentPublic:
        withdrawal = consent.withdrawal
        return cls(
            consent_id=consent.consent_id,
            case_id=consent.case_id,
            status=consent.status(utcnow()),
            recipients=list(consent.recipients),
            categories=list(consent.categories),
            purposes=list(consent.purposes),
            valid_from=consent.valid_from,
            valid_to=consent.valid_to,
            method=consent.method,
            document_reference=consent.document_reference,
            oral_note=consent.oral_note,
            recorded_by=RecordedByPublic.of(consent.recorded_by),
            recorded_at=consent.recorded_at,
            withdrawn_at=withdrawal.at if withdrawal else None,
            withdrawn_by=RecordedByPublic.of(withdrawal.by) if withdrawal else None,
            withdrawal_reason=withdrawal.reason if withdrawal else None,
        )
