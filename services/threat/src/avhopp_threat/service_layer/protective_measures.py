"""Protective measures of a case: started, then moved through their statuses."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from avhopp_shared.errors import NotFound
from avhopp_shared.events.police_events import ProtectiveMeasureChanged
from avhopp_shared.uow import UnitOfWork
from avhopp_threat.adapters.police_records import PoliceRecords
from avhopp_threat.domain.protective_measures import (
    MeasureKind,
    MeasureStatus,
    ProtectiveMeasure,
    change_status,
    start_measure,
)
from avhopp_threat.service_layer.assessments import require_known_case


def _announce(uow: UnitOfWork, measure: ProtectiveMeasure, on: date) -> None:
    uow.emit(
        ProtectiveMeasureChanged(
            case_id=measure.case_id,
            measure_id=measure.measure_id,
            kind=measure.kind.value,
            status=measure.status.value,
            on=on,
        ),
        case_id=measure.case_id,
    )


async def add_measure(
    uow: UnitOfWork,
    case_id: str,
    *,
    kind: MeasureKind,
    started_on: date,
    note: str | None,
    today: date,
) -> ProtectiveMeasure:
    await require_known_case(uow, case_id)
    measure = start_measure(
        measure_id=str(uuid.uuid4()),
        case_id=case_id,
        kind=kind,
        started_on=started_on,
        note=note,
        today=today,
    )
    await PoliceRecords(uow.session).save_measure(measure)
    _announce(uow, measure, started_on)
    return measure


async def move_measure(
    uow: UnitOfWork, case_id: str, measure_id: str, status: MeasureStatus, on: date, today: date
) -> ProtectiveMeasure:
    records = PoliceRecords(uow.session)
    # Locked: two changes in flight together are made one after the other, the
    # second decided on the first's outcome (``PoliceRecords.measure``).
    measure = await records.measure(case_id, measure_id, for_update=True)
    if measure is None:
        raise NotFound("protective measure", measure_id)
    changed = change_status(measure, status, on, today)
    await records.save_measure(changed)
    _announce(uow, changed, on)
    return changed


async def measures_of(uow: UnitOfWork, case_id: str) -> Sequence[ProtectiveMeasure]:
    await require_known_case(uow, case_id)
    return await PoliceRecords(uow.session).measures(case_id)
