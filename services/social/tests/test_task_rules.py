"""The tasks a relapse report and an applicant under 18 open (seed 002; 004 Del 4)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from avhopp_social.domain.tasks import (
    AssessmentOutcome,
    InvalidCompletion,
    TaskKind,
    complete,
    incident_task,
    relapse_task,
    youth_tasks,
)

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_a_relapse_task_names_the_check_when_the_report_shows_it() -> None:
    task = relapse_task(
        task_id="t-1", case_id="c-1", check_id="check-7", checked_on=date(2026, 11, 2), now=NOW
    )

    assert task.kind is TaskKind.ASSESS_RELAPSE
    assert "2026-11-02" in task.reason and "check-7" in task.reason
    assert task.open


def test_a_relapse_task_without_the_checks_details_says_only_what_is_known() -> None:
    task = relapse_task(task_id="t-1", case_id="c-1", check_id=None, checked_on=None, now=NOW)

    assert task.kind is TaskKind.ASSESS_RELAPSE
    assert "check " not in task.reason.replace("register check", "")


def test_the_youth_path_is_an_lvu_consideration_and_joint_planning_with_sis() -> None:
    lvu, sis = youth_tasks(task_ids=("t-1", "t-2"), case_id="c-1", now=NOW)

    assert (lvu.kind, sis.kind) == (TaskKind.CONSIDER_LVU, TaskKind.SIS_JOINT_PLANNING)
    assert "3 § LVU" in lvu.legal_basis
    assert (lvu.task_id, sis.task_id) == ("t-1", "t-2")


def test_an_assessment_is_done_only_with_its_outcome_and_another_task_without_one() -> None:
    relapse = relapse_task(task_id="t-1", case_id="c-1", check_id=None, checked_on=None, now=NOW)
    child_task = youth_tasks(task_ids=("t-2", "t-3"), case_id="c-1", now=NOW)[0]

    with pytest.raises(InvalidCompletion):
        complete(relapse, None, NOW)
    with pytest.raises(InvalidCompletion):
        complete(child_task, AssessmentOutcome.CONTINUE, NOW)
    done = complete(relapse, AssessmentOutcome.ABORT, NOW)
    assert (done.open, done.outcome) == (False, AssessmentOutcome.ABORT)
    assert complete(child_task, None, NOW).done_at == NOW


def test_an_incident_task_says_when_it_concerns_security() -> None:
    task = incident_task(
        task_id="t-1", case_id="c-1", occurred_on=date(2026, 11, 19), security=True, now=NOW
    )
    assert task.kind is TaskKind.ASSESS_INCIDENT
    assert "2026-11-19" in task.reason and "security" in task.reason
