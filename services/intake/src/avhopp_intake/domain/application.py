"""An application or referral (ansökan / hänvisning), the start of every case (PROCESS.md step 1)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from avhopp_shared.events.case_events import (
    ApplicationReceived,
    AppliedFor,
    Channel,
    ReferralSource,
)


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
    summary: str | None = None

    def received_event(self) -> ApplicationReceived:
        # Thin on purpose: no name, no identity number (ACCESS.md, events are disclosures).
        return ApplicationReceived(
            case_id=self.case_id,
            received_at=self.received_at,
            channel=self.channel,
            referral_source=self.referral_source,
            applied_for=list(self.applied_for),
            out_of_hours=self.out_of_hours,
        )


def new_case_id() -> str:
    """A case id that never encodes who or where the person is."""
    return str(uuid.uuid4())
