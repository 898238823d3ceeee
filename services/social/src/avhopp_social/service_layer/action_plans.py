"""The individual action plan: each change a new version, announced."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlmodel import col, select

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.social_events import ActionPlanUpdated
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.tables import ActionPlanRecord
from avhopp_social.domain.action_plan import ActionPlan, Measure, plan
from avhopp_social.service_layer.known_case import lock_investigation, require_investigation


async def _versions(uow: UnitOfWork, case_id: str) -> Sequence[ActionPlan]:
    """Every version, newest first."""
    result = await uow.session.exec(
        select(ActionPlanRecord)
        .where(col(ActionPlanRecord.case_id) == case_id)
        .order_by(col(ActionPlanRecord.version).desc())
    )
    return [
        ActionPlan(
            case_id=r.case_id,
            version=r.version,
            goals=tuple(r.goals),
            measures=tuple(
                Measure(m["description"], m["responsible"], m.get("organisation"), _day(m))
                for m in r.measures
            ),
            review_on=r.review_on,
            persons_view=r.persons_view,
            recorded_by=r.recorded_by,
            recorded_at=r.recorded_at,
        )
        for r in result.all()
    ]


def _day(measure: dict[str, str | None]) -> date | None:
    due = measure.get("due_on")
    return date.fromisoformat(due) if due else None


async def record_plan(
    uow: UnitOfWork,
    case_id: str,
    *,
    goals: tuple[str, ...],
    measures: tuple[Measure, ...],
    review_on: date,
    persons_view: str,
    by: str,
    today: date,
    known_providers: Collection[str],
) -> ActionPlan:
    """Inside an open unit of work; the caller commits (with the answer's audit entry).
    ``known_providers``: those the municipality may commission (settings.providers)."""
    # Versions written at once take turns, each the next one (known_case.lock_investigation).
    await lock_investigation(uow, case_id)
    earlier = await _versions(uow, case_id)
    made = plan(
        earlier[0] if earlier else None,
        case_id=case_id,
        goals=goals,
        measures=measures,
        review_on=review_on,
        persons_view=persons_view,
        recorded_by=by,
        today=today,
        recorded_at=utcnow(),
        known_providers=known_providers,
    )
    uow.session.add(
        ActionPlanRecord(
            case_id=case_id,
            version=made.version,
            goals=list(made.goals),
            measures=[
                {
                    "description": m.description,
                    "responsible": m.responsible,
                    "organisation": m.organisation,
                    "due_on": m.due_on.isoformat() if m.due_on else None,
                }
                for m in made.measures
            ],
            review_on=made.review_on,
            persons_view=made.persons_view,
            recorded_by=made.recorded_by,
            recorded_at=made.recorded_at,
        )
    )
    uow.emit(
        ActionPlanUpdated(case_id=case_id, version=made.version, review_on=made.review_on),
        case_id=case_id,
    )
    return made


async def plan_history(uow: UnitOfWork, case_id: str) -> Sequence[ActionPlan]:
    await require_investigation(uow, case_id)
    return await _versions(uow, case_id)
