"""Request and answer shapes for the case team, legal bases, break-glass and access alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from avhopp_intake.domain.access_grants import MAX_BREAK_GLASS
from avhopp_intake.service_layer.access_alerts import BREAK_GLASS, LOCATION_READ, AccessAlert
from avhopp_shared.access.categories import Category
from avhopp_shared.events.consent_events import Recipient
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.web.dates import Timestamp

_Name = Field(min_length=1, max_length=200)


def no_repeats(value: list[Category]) -> list[Category]:
    """A category named twice is a request written in error: refused, not read as once
    (as a consent's is, ``domain/consent.py``)."""
    if len(set(value)) != len(value):
        raise ValueError("must not repeat an item")
    return value


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
    organisation: str = Field(
        min_length=1,
        max_length=200,
        description=(
            "The member's organisation. Social services are one municipality: its code or "
            "exact name, recorded as the code (a social-services user's organisation); "
            "anything else is refused."
        ),
    )
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
    recipient: Recipient = Field(
        description=(
            "An agency, or one organisation of it. Social services are one municipality "
            "(secrecy holds between municipalities, OSL): `organisation` is its code or "
            "exact name, recorded as the code; left out, the municipality responsible "
            "for the case today."
        )
    )
    categories: list[Category] = Field(min_length=1, max_length=len(Category))
    valid_to: Timestamp | None = Field(
        default=None,
        description=(
            "Open-ended when absent; otherwise in the future (the basis applies from now). "
            "Must carry a timezone offset."
        ),
    )
    note: str = Field(min_length=1, max_length=4000, description="Why the provision applies here.")

    _categories_once = field_validator("categories")(no_repeats)

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

    _categories_once = field_validator("categories")(no_repeats)


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


class BreakGlassReviewPublic(BreakGlassPublic):
    """A grant waiting for review, with what the second person weighs: the acute danger
    as the requester explained it and the provision relied on (ACCESS.md, "Consent
    records": justified, audited, reviewed). Only in the review list, to the
    requester's own authority; never in an event."""

    justification: str | None = Field(
        default=None, description="None only for a grant taken before it was kept here"
    )
    legal_basis: str | None = Field(
        default=None, description="None only for a grant taken before it was kept here"
    )


class BreakGlassRejectionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [{"reason": "No acute danger: the person was reachable the ordinary way"}]
        },
    )

    reason: str = Field(
        min_length=1,
        max_length=4000,
        description="Why the grant was not justified: kept with the review and audited.",
    )


class BreakGlassRejectionPublic(BreakGlassPublic):
    """A grant the second person rejected: it ended at ``rejected_at`` (its
    ``expires_at`` now), or earlier if it had already run out. Answered to the
    second person, echoing the reason he gave."""

    rejected_by: str
    rejected_at: datetime
    reason: str


class AccessAlertPublic(BaseModel):
    """A notice to the case owner: the new home town was read, or someone broke the glass.

    Who it was (``organisation``, ``user``) is ``protected_location``: read by the
    municipality of stay or a provider, it tells where the person lives or who houses
    them, so only the case team sees it. The rest is the case's reference.
    """

    case_id: str
    alert_id: str = Field(description="The alert's event id, or the break-glass grant's id")
    kind: Literal["protected_location_read", "break_glass"]
    at: datetime = Field(description="When it was read, or when the grant began")
    agency: str = Field(description="The agency of whoever read or broke the glass")
    organisation: str | None = None
    user: str | None = None
    channel: str | None = Field(
        default=None, description="How it was read (rest, event, rival_check): reads only"
    )
    categories: list[Category] | None = Field(
        default=None, description="What the grant opened: break-glass only"
    )
    expires_at: datetime | None = Field(default=None, description="Break-glass only")
    approved: bool | None = Field(
        default=None, description="Whether a second person approved it: break-glass only"
    )
    rejected: bool | None = Field(
        default=None,
        description="Whether a second person rejected it, ending it then: break-glass only",
    )
    rejected_at: datetime | None = Field(
        default=None, description="When it was rejected: a rejected break-glass grant only"
    )

    @classmethod
    def of(cls, alert: AccessAlert) -> AccessAlertPublic:
        glass = alert.kind == BREAK_GLASS
        return cls(
            case_id=alert.case_id,
            alert_id=alert.alert_id,
            kind=LOCATION_READ if not glass else BREAK_GLASS,
            at=alert.at,
            agency=alert.agency,
            organisation=alert.organisation,
            user=alert.user,
            channel=alert.channel,
            categories=[Category(c) for c in alert.categories] if glass else None,
            expires_at=alert.expires_at,
            approved=alert.approved,
            rejected=alert.rejected,
            rejected_at=alert.rejected_at,
        )
