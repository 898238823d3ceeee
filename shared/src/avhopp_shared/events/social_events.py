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


class AidDecided(EventPayload):
    """A decision on aid, granted, partly granted or refused (4 kap. 1 § SoL): its type,
    outcome and period (``decisions``), for social services' own follow-up of
    interventions decided against carried out (ISU, 004 Del 2). The reasons
    stay with the decision. Other agencies' gates see nothing of it but the
    case reference the matrix allows; police learn of granted aid from
    ``social.interventions_decided``."""

    event_type: ClassVar[str] = "social.aid_decided"
    schema_version: ClassVar[int] = 1

    case_id: str
    decision_id: str
    aid_type: str
    outcome: str
    valid_from: date | None
    valid_to: date | None
    decided_on: date


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


class IndividualAssessmentMade(EventPayload):
    """Social services assessed a relapse or a serious incident individually and concluded:
    continue, adjust the plan or abort (PROCESS.md steps 11-12; ``followup``)."""

    event_type: ClassVar[str] = "social.individual_assessment_made"
    schema_version: ClassVar[int] = 1

    case_id: str
    task_id: str
    trigger: str
    outcome: str
    assessed_on: date


class NeedsMapped(EventPayload):
    """A version of the needs mapping: which RBM areas and other needs were found to be
    needs (rated moderate or high; ``investigation``). Social services' own follow-up
    counts the first version's as the needs at intake (ISU, 004 Del 2)."""

    event_type: ClassVar[str] = "social.needs_mapped"
    schema_version: ClassVar[int] = 1

    case_id: str
    version: int
    needs: list[str]
