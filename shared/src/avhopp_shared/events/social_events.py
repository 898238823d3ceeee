"""What social services decide that other agencies act on."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar

from pydantic import Field

from avhopp_shared.events.case_events import EventPayload


class InterventionsDecided(EventPayload):
    """Social services decided on interventions (biståndsbeslut, 4 kap. 1 § SoL): *that* they
    did and of which types (``decision_summary``), the last condition police wait for before
    opening their case (004 Del 2, "Polisens beslut om att inleda avhopparärende")."""

    event_type: ClassVar[str] = "social.interventions_decided"
    schema_version: ClassVar[int] = 1

    case_id: str
    decided_on: date
    intervention_types: list[str] = Field(min_length=1)


class ProviderCommissioned(EventPayload):
    """Social services commissioned a provider to carry out an intervention."""

    event_type: ClassVar[str] = "social.provider_commissioned"
    schema_version: ClassVar[int] = 1

    case_id: str
    commission_id: str
    intervention: str
    provider_organisation: str
    decided_on: date


class ActionPlanUpdated(EventPayload):
    """A new version of the individual action plan (PROCESS.md step 9)."""

    event_type: ClassVar[str] = "social.action_plan_updated"
    schema_version: ClassVar[int] = 1

    case_id: str
    version: int
    review_on: date


class InvestigationStarted(EventPayload):
    """The investigation's scope was chosen with the person and the work began
    (11 kap. 1 § SoL; the investigation must not be wider than the matter)."""

    event_type: ClassVar[str] = "social.investigation_started"
    schema_version: ClassVar[int] = 1

    case_id: str
    started_at: datetime


class ResponsibilityTransferred(EventPayload):
    """The responsibility for the case moves to another municipality (2 a kap. 10 § SoL).

    Which municipality is ``protected_location`` (usually the new home town):
    the event says only that, and when; the case team reads where.
    """

    event_type: ClassVar[str] = "social.responsibility_transferred"
    schema_version: ClassVar[int] = 1

    case_id: str
    decided_on: date
    effective_on: date
