"""Register checks, protective measures, the police case and the social-services decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from avhopp_shared.db.insert_new import insert_new
from avhopp_shared.errors import NotFound
from avhopp_threat.adapters.tables import (
    InterventionsDecisionRecord,
    PlacementAssessmentRecord,
    PlacementRecord,
    PoliceCaseRecord,
    ProtectiveMeasureRecord,
    RegisterCheckRecord,
)
from avhopp_threat.domain.placement import Placement, PlacementAssessment, TownJudgement
from avhopp_threat.domain.police_case import CaseStatus, InvalidTransition, PoliceCase
from avhopp_threat.domain.protective_measures import MeasureKind, MeasureStatus, ProtectiveMeasure
from avhopp_threat.domain.register_check import CheckPurpose, Register, RegisterCheck


class PoliceRecords:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- register checks ----------------------------------------------------------

    def add_check(self, check: RegisterCheck) -> None:
        self._session.add(
            RegisterCheckRecord(
                check_id=check.check_id,
                case_id=check.case_id,
                purpose=check.purpose.value,
                registers=[r.value for r in check.registers],
                checked_on=check.checked_on,
                checked_by=check.checked_by,
                hit=check.hit,
                summary=check.summary,
                recorded_at=check.recorded_at,
            )
        )

    async def checks(self, case_id: str) -> Sequence[RegisterCheck]:
        result = await self._session.exec(
            select(RegisterCheckRecord)
            .where(col(RegisterCheckRecord.case_id) == case_id)
            .order_by(col(RegisterCheckRecord.checked_on), col(RegisterCheckRecord.recorded_at))
        )
        return [
            RegisterCheck(
                check_id=r.check_id,
                case_id=r.case_id,
                purpose=CheckPurpose(r.purpose),
                registers=tuple(Register(x) for x in r.registers),
                checked_on=r.checked_on,
                checked_by=r.checked_by,
                hit=r.hit,
                summary=r.summary,
                recorded_at=r.recorded_at,
            )
            for r in result.all()
        ]

    # -- protective measures --------------------------------------------------------

    async def save_measure(self, measure: ProtectiveMeasure) -> None:
        record = await self._session.get(ProtectiveMeasureRecord, measure.measure_id)
        if record is None:
            record = ProtectiveMeasureRecord(
                measure_id=measure.measure_id,
                case_id=measure.case_id,
                kind=measure.kind.value,
                status=measure.status.value,
                started_on=measure.started_on,
                note=measure.note,
            )
        record.status = measure.status.value
        record.decided_on = measure.decided_on
        record.ended_on = measure.ended_on
        self._session.add(record)

    async def measure(
        self, case_id: str, measure_id: str, *, for_update: bool = False
    ) -> ProtectiveMeasure | None:
        """The measure; ``for_update`` locks its row until the transaction ends
        (PostgreSQL; SQLite writers are one at a time anyway), so that a status change
        is decided on its latest status, not on one another change is replacing."""
        record = await self._session.get(
            ProtectiveMeasureRecord, measure_id, with_for_update=for_update
        )
        return _measure(record) if record is not None and record.case_id == case_id else None

    async def measures(self, case_id: str) -> Sequence[ProtectiveMeasure]:
        result = await self._session.exec(
            select(ProtectiveMeasureRecord)
            .where(col(ProtectiveMeasureRecord.case_id) == case_id)
            .order_by(col(ProtectiveMeasureRecord.started_on), col(ProtectiveMeasureRecord.kind))
        )
        return [_measure(record) for record in result.all()]

    # -- the police case -----------------------------------------------------------

    async def police_case(self, case_id: str, *, for_update: bool = False) -> PoliceCase | None:
        """The police case; ``for_update`` locks its row until the transaction ends, so
        that an opening, abort or completion is decided on the case's latest status and
        two in flight together are made one after the other (the second then sees the
        first's outcome and is refused) instead of both."""
        record = await self._session.get(PoliceCaseRecord, case_id, with_for_update=for_update)
        if record is None:
            return None
        return PoliceCase(
            case_id=record.case_id,
            status=CaseStatus(record.status),
            opened_on=record.opened_on,
            opened_by=record.opened_by,
            conditions_form_signed_on=record.conditions_form_signed_on,
            closed_on=record.closed_on,
            closed_by=record.closed_by,
            reason=record.reason,
        )

    async def save_police_case(self, case: PoliceCase, *, first: bool = False) -> None:
        """Stores ``case``; ``first``: it was decided on finding no police case at all.

        A first opening has no row to lock: two in flight together both find none,
        so the row goes in only if its key is still free, and the later opening is
        refused as one of a case already open (not a database fault). Whether it is
        the first is what the opening was decided on, never a second look: by then
        the other opening may have committed, and the look would find its row and
        overwrite it."""
        if first:
            values = {
                "case_id": case.case_id,
                "status": case.status.value,
                "opened_on": case.opened_on,
                "opened_by": case.opened_by,
                "conditions_form_signed_on": case.conditions_form_signed_on,
                "closed_on": case.closed_on,
                "closed_by": case.closed_by,
                "reason": case.reason,
            }
            if not await insert_new(self._session, PoliceCaseRecord, values):
                raise InvalidTransition("the police case is already open")
            return
        record = await self._session.get(PoliceCaseRecord, case.case_id)
        if record is None:
            raise NotFound("police case", case.case_id)
        record.status = case.status.value
        record.opened_on = case.opened_on
        record.opened_by = case.opened_by
        record.conditions_form_signed_on = case.conditions_form_signed_on
        record.closed_on = case.closed_on
        record.closed_by = case.closed_by
        record.reason = case.reason
        self._session.add(record)

    # -- placement ----------------------------------------------------------------

    async def add_placement_assessment(self, assessment: PlacementAssessment) -> int:
        """Stores it as the case's next version; returns the version."""
        latest = await self._session.exec(
            select(func.max(PlacementAssessmentRecord.version)).where(
                col(PlacementAssessmentRecord.case_id) == assessment.case_id
            )
        )
        version = (latest.one() or 0) + 1
        self._session.add(
            PlacementAssessmentRecord(
                case_id=assessment.case_id,
                version=version,
                towns=[
                    {
                        "municipality_code": t.municipality_code,
                        "suitable": t.suitable,
                        "reason": t.reason,
                    }
                    for t in assessment.towns
                ],
                assessed_by=assessment.assessed_by,
                assessed_at=assessment.assessed_at,
            )
        )
        return version

    async def placement_assessments(
        self, case_id: str
    ) -> Sequence[tuple[int, PlacementAssessment]]:
        """Every version, newest first."""
        result = await self._session.exec(
            select(PlacementAssessmentRecord)
            .where(col(PlacementAssessmentRecord.case_id) == case_id)
            .order_by(col(PlacementAssessmentRecord.version).desc())
        )
        return [
            (
                r.version,
                PlacementAssessment(
                    case_id=r.case_id,
                    towns=tuple(
                        TownJudgement(t["municipality_code"], t["suitable"], t["reason"])
                        for t in r.towns
                    ),
                    assessed_by=r.assessed_by,
                    assessed_at=r.assessed_at,
                ),
            )
            for r in result.all()
        ]

    async def placement(self, case_id: str) -> Placement | None:
        record = await self._session.get(PlacementRecord, case_id)
        if record is None:
            return None
        return Placement(
            record.case_id, record.municipality_code, record.placed_on, record.recorded_by
        )

    async def save_placement(self, placement: Placement) -> None:
        record = await self._session.get(PlacementRecord, placement.case_id)
        if record is None:
            record = PlacementRecord(
                case_id=placement.case_id,
                municipality_code=placement.municipality_code,
                placed_on=placement.placed_on,
                recorded_by=placement.recorded_by,
            )
        record.municipality_code = placement.municipality_code
        record.placed_on = placement.placed_on
        record.recorded_by = placement.recorded_by
        self._session.add(record)

    # -- what social services decided ---------------------------------------------

    async def record_interventions_decided(
        self, case_id: str, decided_on: date, types: Sequence[str]
    ) -> None:
        await insert_new(
            self._session,
            InterventionsDecisionRecord,
            {"case_id": case_id, "decided_on": decided_on, "intervention_types": list(types)},
        )

    async def interventions_decided(self, case_id: str) -> bool:
        return await self._session.get(InterventionsDecisionRecord, case_id) is not None


def _measure(record: ProtectiveMeasureRecord) -> ProtectiveMeasure:
    return ProtectiveMeasure(
        measure_id=record.measure_id,
        case_id=record.case_id,
        kind=MeasureKind(record.kind),
        status=MeasureStatus(record.status),
        started_on=record.started_on,
        decided_on=record.decided_on,
        ended_on=record.ended_on,
        note=record.note,
    )
