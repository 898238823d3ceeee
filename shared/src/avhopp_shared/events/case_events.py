"""Payloads of the ``case`` event family.

Events are thin on purpose: they carry ids, codes and dates, never the
person's identity or whereabouts. A consumer that needs more fetches it
through the owner's API, where the disclosure gate decides (ACCESS.md: the
owner filters before data leaves it).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Channel(StrEnum):
    """How the application reached the platform (PROCESS.md step 1; 004 Del 2 "Ansökan")."""

    LETTER = "letter"
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    IN_PERSON = "in_person"
    REFERRAL = "referral"


class ReferralSource(StrEnum):
    POLICE = "police"
    PROBATION = "probation"
    SOCIAL_SERVICES = "social_services"
    SCHOOL = "school"
    NGO = "ngo"
    RELATIVE = "relative"
    SELF = "self"


class AppliedFor(StrEnum):
    """What the application is about (004 Del 2: skyddat boende, ekonomiskt bistånd, missbruksvård …)."""

    PROTECTED_HOUSING = "protected_housing"
    FINANCIAL_AID = "financial_aid"
    SUBSTANCE_TREATMENT = "substance_treatment"
    CONTACT_PERSON = "contact_person"
    TALK_SUPPORT = "talk_support"
    DEBT_COUNSELLING = "debt_counselling"
    EMPLOYMENT_SUPPORT = "employment_support"
    OTHER = "other"


class EventPayload(BaseModel):
    """Base of every event payload: the type name and schema version travel in the envelope."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int]


class ApplicationReceived(EventPayload):
    """Intake registered an application or referral and opened a case."""

    event_type: ClassVar[str] = "case.application_received"
    schema_version: ClassVar[int] = 1

    case_id: str
    received_at: datetime
    channel: Channel
    referral_source: ReferralSource
    applied_for: list[AppliedFor] = Field(min_length=1)
    out_of_hours: bool
    #: The municipality whose social services received it (its four-digit
    #: code): responsible until a transfer (2 a kap. SoL).
    municipality: str = Field(pattern=r"^[0-9]{4}$", examples=["1280"])
    #: Under 18 when it arrived: social services take the youth path (004 Del 4).
    applicant_under_18: bool
    #: The person's earlier case, when this is a re-application (PROCESS.md step 12).
    previous_case_id: str | None = None
