from __future__ import annotations

from avhopp_shared.events.envelope import utcnow
from avhopp_threat.domain.assessment_task import Priority, TaskStatus, request_assessment
from tests.fixtures.events import application_received


def test_an_out_of_hours_application_is_an_urgent_pending_task() -> None:
    task = request_assessment(application_received(out_of_hours=True), utcnow())
    assert (task.status, task.priority) == (TaskStatus.PENDING, Priority.URGENT)


def test_an_office_hours_application_is_a_normal_pending_task() -> None:
    assert (
        request_assessment(application_received(out_of_hours=False), utcnow()).priority
        is Priority.NORMAL
    )
