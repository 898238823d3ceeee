"""An application or referral (ansökan / hänvisning), the start of every case (PROCESS.md step 1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from avhopp_intake.domain.identity import age_on, birth_date_of
from avhopp_shared.errors import InvalidInput
from avhopp_shared.events.case_events import (
    ApplicationReceived,
    AppliedFor,
    Channel,
    ReferralSource,
)
from avhopp_shared.municipal_responsibility import today_in_sweden


@dataclass(frozen=True, slots=True)
class Applicant:
    given_name: str
    family_name: str
    personal_identity_number: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Application:
    case_id: str
    received_at: datetime
    channel: Channel
    referral_source: ReferralSource
    applied_for: tuple[AppliedFor, ...]
    out_of_hours: bool
    applicant: Applicant
    #: The municipality whose social services received it (its code); None
    #: only for cases registered before the platform recorded it.
    municipality: str | None
    summary: str | None = None
    #: The person's latest earlier case, when this is a re-application.
    previous_case_id: str | None = None

    @property
    def applicant_under_18(self) -> bool:
        """Under 18 when the application arrived: the youth path (004 Del 4).

        On the Swedish day it arrived: a birthday begins at midnight in Sweden, not at
        midnight of whatever offset the sender wrote ``received_at`` in.
        """
        arrived_on = today_in_sweden(self.received_at)
        return age_on(self.applicant.personal_identity_number, arrived_on) < 18

    def received_event(self) -> ApplicationReceived:
        # Thin on purpose: no name, no identity number (ACCESS.md, events are disclosures).
        assert self.municipality is not None, "a new application names its municipality"
        return ApplicationReceived(
            case_id=self.case_id,
            received_at=self.received_at,
            channel=self.channel,
            referral_source=self.referral_source,
            applied_for=list(self.applied_for),
            out_of_hours=self.out_of_hours,
            municipality=self.municipality,
            applicant_under_18=self.applicant_under_18,
            previous_case_id=self.previous_case_id,
        )


def require_received_after_birth(received_at: datetime, personal_identity_number: str) -> None:
    """An application arrives on or after the Swedish day its applicant was born.

    One dated earlier is a date written in error: stored, the case would be
    announced as a child's (``applicant_under_18`` counts a negative age as under
    18) and sent down the youth path (004 Del 4)."""
    if today_in_sweden(received_at) < birth_date_of(personal_identity_number):
        raise InvalidInput("received_at", "must not be before the applicant's birth date")


def new_case_id() -> str:
    """A case id that never encodes who or where the person is."""
    return str(uuid.uuid4())
