"""What each event, and each write here, adds to the case timeline.

An entry says only what its category allows, and only what the gate let
through: a field withheld from an event is absent from its payload, and the
entry then says less (or nothing is noted at all).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time

from sqlmodel import col, select

from avhopp_followup.adapters.timeline_repository import TimelineRepository
from avhopp_followup.domain.timeline import Milestone, TimelineEntry
from avhopp_shared.access.categories import Category
from avhopp_shared.access.copy_rules import RELAPSE_ASSESSMENT
from avhopp_shared.access.event_gate import disclosed
from avhopp_shared.access.tables import ConsentGrantRow
from avhopp_shared.auth.caller import Agency
from avhopp_shared.events.case_events import EventPayload
from avhopp_shared.events.consent_events import ConsentGranted, ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope, utcnow
from avhopp_shared.events.police_events import (
    ExitCompleted,
    PoliceCaseAborted,
    PoliceCaseOpened,
    RelapseReported,
    ThreatLevelChanged,
)
from avhopp_shared.events.social_events import (
    ActionPlanUpdated,
    AidDecided,
    IndividualAssessmentMade,
    ProviderCommissioned,
)
from avhopp_shared.messaging.inbox import EventHandler
from avhopp_shared.uow import UnitOfWork

#: (milestone, category, summary, when) of an event, or None when nothing may be noted.
Note = tuple[Milestone, Category, str, datetime] | None


def _day(value: date | datetime) -> datetime:
    """A moment as it is; a day, which is all many records know, as its first moment."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), tzinfo=UTC)


#: The summary of every consent entry: it names no recipient. The entry is
#: ``case_ref``, read by police under the usual consent, and a consent to a
#: provider would tell them which provider works with the person: that is
#: ``interventions`` ("provider commissions"), closed to police (ACCESS.md,
#: matrix). Who a consent is to is read from the consent itself (intake).
CONSENT_GIVEN = "Consent given"


def _consent_granted(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ConsentGranted)
    return Milestone.CONSENT_GRANTED, Category.CASE_REF, CONSENT_GIVEN, p.valid_from


def _consent_withdrawn(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ConsentWithdrawn)
    return Milestone.CONSENT_WITHDRAWN, Category.CASE_REF, "Consent withdrawn", p.withdrawn_at


def _threat_level(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ThreatLevelChanged)
    if not disclosed(p, "subject", "level", "handling_level") or p.subject != "person":
        return None
    handling = f", {p.handling_level} handling" if p.handling_level else ""
    return (
        Milestone.THREAT_LEVEL_CHANGED,
        Category.THREAT,
        f"Threat level {p.level}{handling}",
        e.time,
    )


def _police_case_opened(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, PoliceCaseOpened)
    if not disclosed(p, "opened_on"):
        return None
    return (
        Milestone.POLICE_CASE_OPENED,
        Category.CASE_REF,
        "Police opened the defector case",
        _day(p.opened_on),
    )


def _aid_decided(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, AidDecided)
    period = f" ({p.valid_from} to {p.valid_to})" if p.valid_from and p.valid_to else ""
    summary = f"Aid decision: {p.aid_type} {p.outcome}{period}"
    return Milestone.AID_DECIDED, Category.DECISIONS, summary, _day(p.decided_on)


def _plan(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ActionPlanUpdated)
    summary = f"Action plan version {p.version}, review on {p.review_on}"
    return Milestone.ACTION_PLAN_UPDATED, Category.ACTION_PLAN, summary, e.time


def _commissioned(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ProviderCommissioned)
    summary = f"{p.provider_organisation} commissioned: {p.intervention}"
    return Milestone.PROVIDER_COMMISSIONED, Category.INTERVENTIONS, summary, _day(p.decided_on)


def _relapse(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, RelapseReported)
    if not disclosed(p, "checked_on"):
        return None
    summary = f"Relapse found at the register check of {p.checked_on}"
    return Milestone.RELAPSE_REPORTED, Category.FOLLOWUP, summary, _day(p.checked_on)


def _assessment(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, IndividualAssessmentMade)
    outcome = p.outcome.replace("_", " ")
    if p.trigger == RELAPSE_ASSESSMENT:
        summary = f"Individual assessment after a relapse: {outcome}"
        return Milestone.ASSESSMENT_MADE, Category.FOLLOWUP, summary, _day(p.assessed_on)
    # Any other trigger is a provider's incident, and the entry tells that one
    # happened: ``interventions`` ("provider reports, attendance, incidents",
    # ACCESS.md), closed to police, who learn of an incident only when it concerns
    # security (PROCESS.md step 11), and then from the incident, not from this.
    # Police's copies of the event leave these assessments out for the same reason
    # (``avhopp_shared.access.copy_rules``).
    summary = f"Individual assessment after an incident: {outcome}"
    return Milestone.ASSESSMENT_MADE, Category.INTERVENTIONS, summary, _day(p.assessed_on)


def _police_abort(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, PoliceCaseAborted)
    if not disclosed(p, "aborted_on"):
        return None
    return Milestone.EXIT_ABORTED, Category.CASE_REF, "Police aborted the exit", _day(p.aborted_on)


def _completed(p: EventPayload, e: EventEnvelope) -> Note:
    assert isinstance(p, ExitCompleted)
    if not disclosed(p, "completed_on"):
        return None
    return Milestone.EXIT_COMPLETED, Category.CASE_REF, "Exit completed", _day(p.completed_on)


_NOTES: Mapping[str, Callable[[EventPayload, EventEnvelope], Note]] = {
    ConsentGranted.event_type: _consent_granted,
    ConsentWithdrawn.event_type: _consent_withdrawn,
    ThreatLevelChanged.event_type: _threat_level,
    PoliceCaseOpened.event_type: _police_case_opened,
    AidDecided.event_type: _aid_decided,
    ActionPlanUpdated.event_type: _plan,
    ProviderCommissioned.event_type: _commissioned,
    RelapseReported.event_type: _relapse,
    IndividualAssessmentMade.event_type: _assessment,
    PoliceCaseAborted.event_type: _police_abort,
    ExitCompleted.event_type: _completed,
}


async def _note_event(uow: UnitOfWork, payload: EventPayload, envelope: EventEnvelope) -> None:
    note = _NOTES[envelope.type](payload, envelope)
    if note is None:
        return
    milestone, category, summary, when = note
    await TimelineRepository(uow.session).append(
        TimelineEntry(
            case_id=envelope.subject,
            milestone=milestone,
            occurred_at=when,
            recorded_at=utcnow(),
            source_event_id=envelope.id,
            reported_by=envelope.acting_agency,
            category=category,
            summary=summary,
        )
    )


#: Event type → the handler that notes it, run after whatever else handles it.
TIMELINE_OBSERVERS: Mapping[str, EventHandler] = {event_type: _note_event for event_type in _NOTES}


async def note_here(
    uow: UnitOfWork,
    case_id: str,
    *,
    milestone: Milestone,
    category: Category,
    summary: str,
    occurred: date | datetime,
    reported_by: str,
) -> None:
    """An entry for something recorded in this service, in the same transaction."""
    await TimelineRepository(uow.session).append(
        TimelineEntry(
            case_id=case_id,
            milestone=milestone,
            occurred_at=_day(occurred),
            recorded_at=utcnow(),
            source_event_id=str(uuid.uuid4()),
            reported_by=reported_by,
            category=category,
            summary=summary,
        )
    )


async def note_consents_before_the_timeline(uow: UnitOfWork, case_id: str) -> None:
    """The consents given with the application, noted once the timeline exists.

    Intake announces a consent given with the application before the application
    itself (a gate must know a consent before anything relying on it), so its
    event reached this service before there was a timeline to note it on. The
    consent state kept it; each is noted here under the consent's id, once.
    """
    repository = TimelineRepository(uow.session)
    consents = await uow.session.exec(
        select(ConsentGrantRow)
        .where(col(ConsentGrantRow.case_id) == case_id)
        .order_by(col(ConsentGrantRow.valid_from))
    )
    for consent in consents.all():
        await repository.append(
            TimelineEntry(
                case_id=case_id,
                milestone=Milestone.CONSENT_GRANTED,
                occurred_at=consent.valid_from,
                recorded_at=utcnow(),
                source_event_id=consent.consent_id,
                # Consent is recorded by social services, at intake.
                reported_by=Agency.SOCIAL.value,
                category=Category.CASE_REF,
                summary=CONSENT_GIVEN,
            )
        )
