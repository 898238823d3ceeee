"""The public shapes of the intake API (never the table itself)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from avhopp_intake.domain.application import Application
from avhopp_intake.domain.identity import birth_date_of, normalise_identity_number
from avhopp_intake.entrypoints.consent_schemas import ConsentCreate
from avhopp_shared.events.case_events import AppliedFor, Channel, ReferralSource
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.web.dates import Timestamp

IdentityNumber = Annotated[
    str,
    Field(
        min_length=10,
        max_length=13,
        description=(
            "Personnummer or samordningsnummer, 10 or 12 digits 0-9, with or without "
            "separator; the birth date must not be after today in Sweden. The 10-digit "
            "form is read as Skatteverket writes it: with - the person is under 100, "
            "with + 100 or older."
        ),
        examples=["19811218-9876"],
    ),
    AfterValidator(normalise_identity_number),
]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    given_name: Name
    family_name: Name
    personal_identity_number: IdentityNumber
    phone: str | None = Field(default=None, max_length=40, pattern=r"^\+?[0-9 ()-]{5,40}$")


class ApplicationCreate(BaseModel):
    # The example leaves ``received_at`` out (it is then now), so it stays valid on
    # any day; its consent names no end for the same reason.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "channel": "phone",
                    "referral_source": "self",
                    "applied_for": ["protected_housing", "financial_aid"],
                    "out_of_hours": False,
                    "summary": "Wants to leave a criminal network; fears for own safety",
                    "municipality": "1280",
                    "applicant": {
                        "given_name": "Exempel",
                        "family_name": "Testsson",
                        "personal_identity_number": "19811218-9876",
                    },
                    "consents": [
                        {
                            "recipients": [{"agency": "police"}],
                            "categories": ["case_ref", "identity"],
                            "purposes": ["protection"],
                            "method": "written",
                            "document_reference": "Dnr 2026-1234, consent form p. 2",
                        }
                    ],
                }
            ]
        },
    )

    channel: Channel
    referral_source: ReferralSource
    applied_for: list[AppliedFor] = Field(min_length=1, max_length=len(AppliedFor))
    out_of_hours: bool = Field(
        description="Received outside office hours (004 Del 2: the person may need on-call support)."
    )
    received_at: Timestamp | None = Field(
        default=None,
        description=(
            "When the application arrived; defaults to now. Must carry a timezone, and "
            "not be before the applicant's birth date."
        ),
    )
    summary: str | None = Field(default=None, max_length=4000)
    municipality: str | None = Field(
        default=None,
        max_length=60,
        description=(
            "The municipality whose social services the application is made to, by its "
            "four-digit code or its exact name. Left out, a social-services caller's own "
            "municipality; a referral from another agency must name it."
        ),
        examples=["1280"],
    )
    applicant: ApplicantIn
    consents: list[ConsentCreate] = Field(
        default_factory=list,
        max_length=20,
        description=(
            "Consent given with the application (e.g. the signed form): recorded with the "
            "case, and announced before the application so that recipients may see it. "
            "Only social services of the receiving municipality record consent: from any "
            "other caller a non-empty list is refused (403) and nothing is stored."
        ),
    )

    @field_validator("received_at")
    @classmethod
    def _aware_and_not_future(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("must include a timezone offset")
        if value > utcnow():
            raise ValueError("must not be in the future")
        return value

    @field_validator("applied_for")
    @classmethod
    def _no_repeats(cls, value: list[AppliedFor]) -> list[AppliedFor]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat an item")
        return value


class ApplicantPublic(BaseModel):
    given_name: str
    family_name: str
    personal_identity_number: str
    birth_date: date
    phone: str | None


class CasePublic(BaseModel):
    case_id: str
    received_at: datetime
    channel: Channel
    referral_source: ReferralSource
    applied_for: list[AppliedFor]
    out_of_hours: bool
    summary: str | None
    municipality: str | None = Field(
        description="The municipality whose social services received it (its code)"
    )
    previous_case_id: str | None = Field(
        default=None, description="The person's earlier case, when this is a re-application"
    )
    applicant: ApplicantPublic

    @classmethod
    def of(cls, application: Application) -> CasePublic:
        applicant = application.applicant
        return cls(
            case_id=application.case_id,
            received_at=application.received_at,
            channel=application.channel,
            referral_source=application.referral_source,
            applied_for=list(application.applied_for),
            out_of_hours=application.out_of_hours,
            summary=application.summary,
            municipality=application.municipality,
            previous_case_id=application.previous_case_id,
            applicant=ApplicantPublic(
                given_name=applicant.given_name,
                family_name=applicant.family_name,
                personal_identity_number=applicant.personal_identity_number,
                birth_date=birth_date_of(applicant.personal_identity_number),
                phone=applicant.phone,
            ),
        )
