"""The caseworkers' task list: what the platform learned that someone must act on.

A task is never left to memory: a concern for a child, a relapse police
report, a person under 18 — each opens one, with the rule it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from avhopp_shared.errors import InvalidInput


class TaskKind(StrEnum):
    #: 11 kap. 1-2 §§, 14 kap. 1 § SoL (children.py).
    CONSIDER_CHILD_INVESTIGATION = "consider_child_investigation"
    #: Police found a relapse at a follow-up check; social services assess
    #: individually what to do (seed 002 "Uppföljning", PROCESS.md step 11).
    ASSESS_RELAPSE = "assess_relapse"
    #: A provider reported a serious incident: assessed like a relapse (PROCESS.md step 11).
    ASSESS_INCIDENT = "assess_incident"
    #: A person under 18: whether compulsory care under LVU is needed when
    #: consent to voluntary interventions is missing (3 § LVU; PROCESS.md,
    #: "Needs and interventions"; 004 Del 4).
    CONSIDER_LVU = "consider_lvu"
    #: A person under 18: planning with SiS, whose youth homes see young
    #: people in these milieus as potential defectors (seed 003; 12 § LVU).
    SIS_JOINT_PLANNING = "sis_joint_planning"


class AssessmentOutcome(StrEnum):
    """What the individual assessment of a relapse or incident concluded (PROCESS.md 11-12)."""

    CONTINUE = "continue"
    ADJUST_PLAN = "adjust_plan"
    ABORT = "abort"


#: Tasks that end in an individual assessment, whose outcome is recorded.
ASSESSMENTS = frozenset({TaskKind.ASSESS_RELAPSE, TaskKind.ASSESS_INCIDENT})


class InvalidCompletion(InvalidInput):
    """A completion the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Task:
    task_id: str
    case_id: str
    kind: TaskKind
    reason: str
    legal_basis: str
    created_at: datetime
    done_at: datetime | None = None
    outcome: AssessmentOutcome | None = None

    @property
    def open(self) -> bool:
        return self.done_at is None


def complete(task: Task, outcome: AssessmentOutcome | None, now: datetime) -> Task:
    """An assessment is done only with its outcome; other tasks have none."""
    if task.kind in ASSESSMENTS and outcome is None:
        raise InvalidCompletion("outcome", "say what the individual assessment concluded")
    if task.kind not in ASSESSMENTS and outcome is not None:
        raise InvalidCompletion("outcome", f"a {task.kind.value} task has no outcome")
    return replace(task, done_at=now, outcome=outcome)


def incident_task(
    *, task_id: str, case_id: str, occurred_on: date, security: bool, now: datetime
) -> Task:
    """A provider's serious incident, to be assessed like a relapse."""
    touches = " It concerns the person's security." if security else ""
    return Task(
        task_id=task_id,
        case_id=case_id,
        kind=TaskKind.ASSESS_INCIDENT,
        reason=(
            f"The provider reported a serious incident on {occurred_on}: assess "
            f"individually what is to be done.{touches}"
        ),
        legal_basis="4 kap. 1 § SoL; PROCESS.md step 11",
        created_at=now,
    )


def relapse_task(
    *, task_id: str, case_id: str, check_id: str | None, checked_on: date | None, now: datetime
) -> Task:
    """What a police relapse report asks of social services.

    The check's id and date are ``followup``: a report arrives as a task only
    with them, but a task already assessed keeps its place once the consent
    covering them is withdrawn, and then reads without them (purgers.py).
    """
    if check_id is None or checked_on is None:
        reason = "Police reported a relapse at a follow-up register check"
    else:
        reason = (
            f"Police reported a relapse at the follow-up register check of {checked_on} "
            f"(check {check_id})"
        )
    return Task(
        task_id=task_id,
        case_id=case_id,
        kind=TaskKind.ASSESS_RELAPSE,
        reason=f"{reason}: assess individually what is to be done.",
        legal_basis="4 kap. 1 § SoL; seed 002 Uppföljning",
        created_at=now,
    )


def without_police_check(task: Task) -> Task:
    """A relapse task as it reads without the id and date of police's register check
    (``relapse_task``); any other task as it is."""
    if task.kind is not TaskKind.ASSESS_RELAPSE:
        return task
    unquoted = relapse_task(
        task_id=task.task_id,
        case_id=task.case_id,
        check_id=None,
        checked_on=None,
        now=task.created_at,
    )
    return replace(task, reason=unquoted.reason)


def youth_tasks(*, task_ids: tuple[str, str], case_id: str, now: datetime) -> tuple[Task, Task]:
    """The youth path for an applicant under 18 (PROCESS.md step 3, 004 Del 4)."""
    lvu_id, sis_id = task_ids
    return (
        Task(
            task_id=lvu_id,
            case_id=case_id,
            kind=TaskKind.CONSIDER_LVU,
            reason=(
                "The applicant is under 18: consider whether compulsory care under LVU "
                "is needed if consent to voluntary interventions is missing."
            ),
            legal_basis="3 § LVU, 11 kap. 1 § SoL",
            created_at=now,
        ),
        Task(
            task_id=sis_id,
            case_id=case_id,
            kind=TaskKind.SIS_JOINT_PLANNING,
            reason=(
                "The applicant is under 18: plan jointly with SiS, in particular if a "
                "placement at a special residential home for young people may follow."
            ),
            legal_basis="12 § LVU; seed 003",
            created_at=now,
        ),
    )
