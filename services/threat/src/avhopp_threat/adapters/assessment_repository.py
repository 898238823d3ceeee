from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_threat.adapters.tables import AssessmentRecord
from avhopp_threat.domain.threat_assessment import (
    PERSON,
    HandlingLevel,
    Relation,
    Relative,
    ThreatActor,
    ThreatAssessment,
    ThreatLevel,
)


class AssessmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def current(self, case_id: str, subject: str) -> ThreatAssessment | None:
        result = await self._session.exec(
            select(AssessmentRecord).where(
                col(AssessmentRecord.case_id) == case_id,
                col(AssessmentRecord.subject) == subject,
                col(AssessmentRecord.current).is_(True),
            )
        )
        record = result.first()
        return _to_domain(record) if record is not None else None

    async def add(self, assessment: ThreatAssessment) -> None:
        """The new version becomes the subject's current one; earlier ones stay as history."""
        await self._session.exec(
            update(AssessmentRecord)
            .where(
                col(AssessmentRecord.case_id) == assessment.case_id,
                col(AssessmentRecord.subject) == assessment.subject,
                col(AssessmentRecord.current).is_(True),
            )
            .values(current=False)
        )
        self._session.add(_to_record(assessment))

    async def history(self, case_id: str) -> Sequence[ThreatAssessment]:
        """Every version about the case, the person first, newest first within a subject."""
        result = await self._session.exec(
            select(AssessmentRecord)
            .where(col(AssessmentRecord.case_id) == case_id)
            .order_by(
                col(AssessmentRecord.subject) != PERSON,
                col(AssessmentRecord.subject),
                col(AssessmentRecord.version).desc(),
            )
        )
        return [_to_domain(record) for record in result.all()]

    async def current_for_cases(
        self,
        *,
        level: ThreatLevel | None,
        handling_level: HandlingLevel | None,
        review_due_by: date | None,
        limit: int,
        offset: int,
    ) -> Sequence[ThreatAssessment]:
        """The person's current assessment of each case, soonest review first."""
        query = select(AssessmentRecord).where(
            col(AssessmentRecord.current).is_(True), col(AssessmentRecord.subject) == PERSON
        )
        if level is not None:
            query = query.where(col(AssessmentRecord.level) == level.value)
        if handling_level is not None:
            query = query.where(col(AssessmentRecord.handling_level) == handling_level.value)
        if review_due_by is not None:
            query = query.where(col(AssessmentRecord.next_review_on) <= review_due_by)
        query = query.order_by(
            col(AssessmentRecord.next_review_on).is_(None),
            col(AssessmentRecord.next_review_on),
            col(AssessmentRecord.case_id),
        )
        result = await self._session.exec(query.limit(limit).offset(offset))
        return [_to_domain(record) for record in result.all()]


def _to_record(assessment: ThreatAssessment) -> AssessmentRecord:
    relative = assessment.relative
    return AssessmentRecord(
        case_id=assessment.case_id,
        subject=assessment.subject,
        version=assessment.version,
        current=True,
        relative_id=relative.relative_id if relative else None,
        relation=relative.relation.value if relative else None,
        level=assessment.level.value,
        handling_level=assessment.handling_level.value if assessment.handling_level else None,
        threat_picture=assessment.threat_picture,
        risk_analysis=assessment.risk_analysis,
        threat_actors=[
            {"name": a.name, "network": a.network, "resides_in": a.resides_in}
            for a in assessment.threat_actors
        ],
        networks=list(assessment.networks),
        affiliations=list(assessment.affiliations),
        assessed_by=assessment.assessed_by,
        assessed_on=assessment.assessed_on,
        next_review_on=assessment.next_review_on,
        recorded_at=assessment.recorded_at,
    )


def _to_domain(record: AssessmentRecord) -> ThreatAssessment:
    relative = (
        Relative(record.relative_id, Relation(record.relation))
        if record.relative_id is not None and record.relation is not None
        else None
    )
    return ThreatAssessment(
        case_id=record.case_id,
        version=record.version,
        relative=relative,
        level=ThreatLevel(record.level),
        threat_picture=record.threat_picture,
        risk_analysis=record.risk_analysis,
        threat_actors=tuple(
            ThreatActor(a["name"], a.get("network"), a.get("resides_in"))
            for a in record.threat_actors
        ),
        networks=tuple(record.networks),
        affiliations=tuple(record.affiliations),
        assessed_by=record.assessed_by,
        assessed_on=record.assessed_on,
        next_review_on=record.next_review_on,
        recorded_at=record.recorded_at,
    )
