"""Request and answer shapes for the case team, legal bases and break-glass."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from avhopp_intake.domain.access_grants import MAX_BREAK_GLASS
from avhopp_shared.access.categories import Category
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.web.dates import Timestamp

_Name = Field(min_length=1, max_length=200)
#: Break-glass is time-limited to a few hours (ACCESS.md): the domain's limit, in minutes.
MAX_MINUTES = int(MAX_BREAK_GLASS.total_seconds() // 60)


class TeamMemberIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {"agency": "police", "organisation": "polisen-region-syd", "user": "samordnare-1"}
            ]
        },
    )

    agency: str = Field(pattern="^(police|social|provider|probation|sis)$")
    organisation: str = _Name
    user: str = _Name


class TeamMemberPublic(BaseModel):
    case_id: str
    agency: str
    organisation: str
    user: str
    member: bool = Field(description="Whether the person is on the team after this change.")


class LegalBasisIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "reference": "10 kap. 18 a § OSL",
                    "recipient": {"agency": "police"},
                    "categories": ["case_ref", "identity"],
                    "note": "Needed to prevent a serious crime against the person",
                }
            ]
        },
    )

    reference: str = Field(min_length=3, max_length=200)
    recipient: Recipient
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    valid_to: Timestamp | None = Field(
        default=None,
        description=(
            "Open-ended when absent; otherwise in the future (the basis applies from now). "
            "Must carry a timezone offset."
        ),
    )
    note: str = Field(min_length=1, max_length=4000, description="Why the provision applies here.")

    @field_validator("valid_to")
    @classmethod
    def _not_already_ended(cls, value: datetime | None) -> datetime | None:
        # A legal basis applies from the moment it is recorded; one that has
        # already ended would open nothing, yet be announced to every service.
        if value is not None and value <= utcnow():
            raise ValueError("must be in the future: a legal basis applies from now")
        return value


class LegalBasisPublic(BaseModel):
    case_id: str
    legal_basis_id: str
    reference: str
    recipient: Recipient
    categories: list[Category]
    valid_from: datetime
    valid_to: datetime | None


class BreakGlassIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "categories": ["protected_location", "contact"],
                    "justification": "Credible threat reported tonight; the person must be reached at once",
                    "legal_basis": "24 kap. 8 § OSL",
                    "minutes": 120,
                }
            ]
        },
    )

    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    justification: str = Field(max_length=4000)
    legal_basis: str = Field(max_length=200)
    minutes: int = Field(
        ge=1, le=MAX_MINUTES, description=f"How long the access lasts; at most {MAX_MINUTES}."
    )


class BreakGlassPublic(BaseModel):
    case_id: str
    grant_id: str
    agency: str
    organisation: str
    user: str
    categories: list[Category]
    valid_from: datetime
    expires_at: datetime
    review_required: bool
    approved_by: str | None = None
