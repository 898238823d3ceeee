"""What an individual assessment adds to the timeline: its category follows its trigger."""

from __future__ import annotations

from datetime import date

import pytest

from avhopp_followup.service_layer.timeline_notes import _NOTES, TIMELINE_OBSERVERS
from avhopp_shared.access.categories import Category
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.social_events import IndividualAssessmentMade


def _noted(trigger: str) -> tuple[Category, str]:
    payload = IndividualAssessmentMade(
        case_id="c-1",
        task_id="t-1",
        trigger=trigger,
        outcome="adjust_plan",
        assessed_on=date(2026, 11, 20),
    )
    envelope = EventEnvelope(
        source="/avhopp/social",
        type=payload.event_type,
        subject="c-1",
        schema_version=payload.schema_version,
        acting_agency="social",
        data=payload.model_dump(mode="json"),
    )
    note = _NOTES[payload.event_type](payload, envelope)
    assert note is not None
    _, category, summary, _ = note
    return category, summary


@pytest.mark.parametrize(
    ("trigger", "category", "summary"),
    [
        # A relapse police reported: police's `followup` cell is "status, relapse".
        ("assess_relapse", Category.FOLLOWUP, "after a relapse: adjust plan"),
        # A provider's incident is `interventions` (ACCESS.md), closed to police.
        ("assess_incident", Category.INTERVENTIONS, "after an incident: adjust plan"),
    ],
)
def test_an_incident_assessment_is_interventions_and_a_relapse_assessment_followup(
    trigger: str, category: Category, summary: str
) -> None:
    assert IndividualAssessmentMade.event_type in TIMELINE_OBSERVERS
    assert _noted(trigger) == (category, f"Individual assessment {summary}")
