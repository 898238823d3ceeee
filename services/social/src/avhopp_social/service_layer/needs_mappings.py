"""Needs mappings: each a new version of what the investigation found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlmodel import col, select

from avhopp_shared.events.envelope import utcnow
from avhopp_shared.events.social_events import NeedsMapped
from avhopp_shared.uow import UnitOfWork
from avhopp_social.adapters.investigation_repository import InvestigationRepository
from avhopp_social.adapters.tables import NeedsMappingRecord
from avhopp_social.domain.needs_mapping import (
    NeedsMapping,
    OtherNeed,
    Rated,
    Rating,
    RbmArea,
    map_needs,
)
from avhopp_social.service_layer.known_case import lock_investigation, require_investigation


def _rated(stored: Mapping[str, Any]) -> Rated:
    return Rated(Rating(stored["rating"]), stored["notes"])


async def _versions(uow: UnitOfWork, case_id: str) -> Sequence[NeedsMapping]:
    """Every version, newest first."""
    await require_investigation(uow, case_id)
    result = await uow.session.exec(
        select(NeedsMappingRecord)
        .where(col(NeedsMappingRecord.case_id) == case_id)
        .order_by(col(NeedsMappingRecord.version).desc())
    )
    return [
        NeedsMapping(
            case_id=r.case_id,
            version=r.version,
            risk_areas={RbmArea(k): _rated(v) for k, v in r.risk_areas.items()},
            other_needs={OtherNeed(k): _rated(v) for k, v in r.other_needs.items()},
            mapped_by=r.mapped_by,
            recorded_at=r.recorded_at,
        )
        for r in result.all()
    ]


async def record_mapping(
    uow: UnitOfWork,
    case_id: str,
    *,
    risk_areas: Mapping[RbmArea, Rated],
    other_needs: Mapping[OtherNeed, Rated],
    by: str,
) -> NeedsMapping:
    """Inside an open unit of work; the caller commits (with the answer's audit entry)."""
    # Versions written at once take turns, each the next one (known_case.lock_investigation).
    await lock_investigation(uow, case_id)
    earlier = await _versions(uow, case_id)
    made = map_needs(
        earlier[0] if earlier else None,
        case_id=case_id,
        risk_areas=risk_areas,
        other_needs=other_needs,
        mapped_by=by,
        recorded_at=utcnow(),
        # The scope as chosen with the person now (PROCESS.md step 3).
        scope=await InvestigationRepository(uow.session).scope(case_id),
    )
    uow.session.add(
        NeedsMappingRecord(
            case_id=case_id,
            version=made.version,
            risk_areas={
                a.value: {"rating": r.rating.value, "notes": r.notes}
                for a, r in made.risk_areas.items()
            },
            other_needs={
                n.value: {"rating": r.rating.value, "notes": r.notes}
                for n, r in made.other_needs.items()
            },
            mapped_by=made.mapped_by,
            recorded_at=made.recorded_at,
        )
    )
    uow.emit(
        NeedsMapped(case_id=case_id, version=made.version, needs=list(made.needs())),
        case_id=case_id,
    )
    return made


async def mapping_history(uow: UnitOfWork, case_id: str) -> Sequence[NeedsMapping]:
    return await _versions(uow, case_id)
