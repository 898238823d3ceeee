"""ISU statistics for a period and a municipality (or all): JSON, CSV and charts.

Statistics carry no case: they leave through the suppression of
``domain/isu.py`` (no released cell under five persons, none recoverable from
a released total or from another municipality's answer) rather than through
the per-case disclosure gate. Each answer is audited before it is sent
(``service_layer/isu_audit.py``).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.domain.isu import (
    THRESHOLD,
    Cell,
    Group,
    Measure,
    Report,
    released_for,
)
from avhopp_followup.entrypoints.isu_charts import Series, bars, png, svg
from avhopp_followup.service_layer.isu_audit import ALL_SERIES, record_isu_export
from avhopp_followup.service_layer.isu_query import IsuQuery, raw_figures
from avhopp_shared.auth.dependencies import CallerDep
from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.service_app import RuntimeDep, UnitOfWorkDep
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import DECISION_HEADER, requires
from avhopp_shared.web.problems import problem_responses

router = APIRouter(
    tags=["statistics (ISU)"],
    responses=problem_responses(401, 403, 422),
    dependencies=[requires("statistics.read")],
)

#: How the figures of an answer (JSON, CSV or chart) were made: counted from the
#: cases (one municipality), or summed from what each municipality releases (all).
COUNTED_FROM_HEADER = "Avhopp-Isu-Counted-From"


def counted_from(report: Report) -> str:
    return "released-municipal-figures" if report.summed_from_municipalities else "cases"


#: A year at most: the facts are kept per application, and ISU looks at a year.
LONGEST_PERIOD_DAYS = 366


class IsuCellPublic(BaseModel):
    label: str
    persons: int | None = Field(
        default=None, description="Null when suppressed (fewer than 5, or it would reveal one)"
    )
    suppressed: bool

    @classmethod
    def of(cls, cell: Cell) -> IsuCellPublic:
        return cls(label=cell.label, persons=cell.persons, suppressed=cell.suppressed)


class IsuGroupPublic(BaseModel):
    name: str
    total: int | None = None
    cells: list[IsuCellPublic]

    @classmethod
    def of(cls, group: Group) -> IsuGroupPublic:
        return cls(
            name=group.name, total=group.total, cells=[IsuCellPublic.of(c) for c in group.cells]
        )


class IsuMeasurePublic(BaseModel):
    label: str
    persons: int | None = None
    median_days: float | None = None
    suppressed: bool

    @classmethod
    def of(cls, measure: Measure) -> IsuMeasurePublic:
        return cls(
            label=measure.label,
            persons=measure.persons,
            median_days=measure.median_days,
            suppressed=measure.persons is None,
        )


class IsuReportPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "first_day": "2026-01-01",
                    "last_day": "2026-12-31",
                    "municipality": "1280",
                    "threshold": 5,
                    "applications": 41,
                    "outcomes": {
                        "name": "outcomes",
                        "total": 41,
                        "cells": [
                            {"label": "ongoing", "persons": 27, "suppressed": False},
                            {"label": "aborted", "persons": None, "suppressed": True},
                            {"label": "completed", "persons": None, "suppressed": True},
                        ],
                    },
                    "relapse": {
                        "name": "relapse",
                        "total": 41,
                        "cells": [
                            {"label": "relapsed", "persons": 6, "suppressed": False},
                            {"label": "not_relapsed", "persons": 35, "suppressed": False},
                        ],
                    },
                    "needs": [{"label": "housing", "persons": 30, "suppressed": False}],
                    "interventions": [],
                    "time_to_decision": {
                        "label": "application_to_decision",
                        "persons": 33,
                        "median_days": 12.0,
                        "suppressed": False,
                    },
                    "phase_durations": [],
                }
            ]
        }
    )

    first_day: date
    last_day: date
    municipality: str | None = Field(
        default=None,
        description=(
            "Null: every municipality. Those figures are not counted from the cases: each "
            "is the sum of what each municipality's own answer for the period releases, a "
            "cell suppressed there counting nowhere (so cells need not add up to their "
            f"total); the {COUNTED_FROM_HEADER} header says which an answer is"
        ),
    )
    threshold: int = Field(description="Cells counting fewer persons are suppressed")
    applications: int | None = Field(
        default=None,
        description=(
            "The persons who applied in the period, each once however many times they "
            "applied (a re-application links the earlier case)"
        ),
    )
    outcomes: IsuGroupPublic
    relapse: IsuGroupPublic
    needs: list[IsuCellPublic] = Field(
        description="Every need a needs mapping can find, counted or not (zero is suppressed)"
    )
    interventions: list[IsuGroupPublic] = Field(
        description=(
            "Per intervention (every one social services decide on): decided (the total), "
            "carried out or not"
        )
    )
    time_to_decision: IsuMeasurePublic
    phase_durations: list[IsuMeasurePublic]

    @classmethod
    def of(cls, query: IsuQuery, report: Report) -> IsuReportPublic:
        return cls(
            first_day=query.first_day,
            last_day=query.last_day,
            municipality=query.municipality,
            threshold=THRESHOLD,
            applications=report.applications,
            outcomes=IsuGroupPublic.of(report.outcomes),
            relapse=IsuGroupPublic.of(report.relapse),
            needs=[IsuCellPublic.of(c) for c in report.needs],
            interventions=[IsuGroupPublic.of(g) for g in report.interventions],
            time_to_decision=IsuMeasurePublic.of(report.time_to_decision),
            phase_durations=[IsuMeasurePublic.of(m) for m in report.phase_durations],
        )


def _query(first_day: date, last_day: date, municipality: str | None) -> IsuQuery:
    if last_day < first_day:
        raise InvalidInput("last_day", "the period ends before it starts", location="query")
    if (last_day - first_day).days >= LONGEST_PERIOD_DAYS:
        raise InvalidInput(
            "last_day", f"a period is at most {LONGEST_PERIOD_DAYS} days", location="query"
        )
    # Left out, every municipality; given, a municipality (an empty one is none).
    code = (
        resolve_municipality(municipality, "municipality", "query").code
        if municipality is not None
        else None
    )
    return IsuQuery(first_day, last_day, code)


# ISO dates only, as in a body: a number is refused, not read as seconds since 1970.
FirstDay = Annotated[Day, Query(description="The first day applications are counted from")]
LastDay = Annotated[Day, Query(description="The last day, at most a year after the first")]
Municipality = Annotated[
    str | None, Query(description="A municipality's code or name; left out, all of them")
]


async def _report(
    uow: UnitOfWorkDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    query: IsuQuery,
    *,
    resource: str,
    series: tuple[str, ...] = ALL_SERIES,
) -> tuple[Report, dict[str, str]]:
    """The released figures, and the headers every format answers with: the id of the
    audit entry committed for them, and how the figures were counted. The entry is in
    the transaction that reads the facts and committed before anything is rendered, so
    an answer the trail does not record is never sent (503)."""
    async with uow:
        report = released_for(query.municipality, await raw_figures(uow, query))
        decision_id = await record_isu_export(
            uow,
            caller,
            query,
            resource=resource,
            series=series,
            policy_revision=runtime.policy.revision,
        )
        await uow.commit()
    return report, {DECISION_HEADER: decision_id, COUNTED_FROM_HEADER: counted_from(report)}


@router.get(
    "/statistics/isu",
    response_model=IsuReportPublic,
    summary="ISU at group level for a period: outcomes, relapse, needs, interventions, times",
    operation_id="readIsu",
)
async def get_isu(
    uow: UnitOfWorkDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    response: Response,
    first_day: FirstDay,
    last_day: LastDay,
    municipality: Municipality = None,
) -> IsuReportPublic:
    query = _query(first_day, last_day, municipality)
    report, headers = await _report(uow, runtime, caller, query, resource="isu.json")
    response.headers.update(headers)
    return IsuReportPublic.of(query, report)


def csv_rows(report: Report) -> list[list[str]]:
    """series, label, measure, value (empty when suppressed), suppressed."""

    def cell(series: str, c: Cell) -> list[str]:
        return [
            series,
            c.label,
            "persons",
            "" if c.persons is None else str(c.persons),
            str(c.suppressed).lower(),
        ]

    def group(series: str, g: Group) -> list[list[str]]:
        total = Cell("total", g.total)
        return [cell(series, c) for c in g.cells] + [cell(series, total)]

    def measure(series: str, m: Measure) -> list[list[str]]:
        hidden = str(m.persons is None).lower()
        median = "" if m.median_days is None else f"{m.median_days:g}"
        return [
            [series, m.label, "persons", "" if m.persons is None else str(m.persons), hidden],
            [series, m.label, "median_days", median, hidden],
        ]

    rows = [["series", "label", "measure", "value", "suppressed"]]
    # Says how the figures below are made, as the header of every answer does.
    rows += [["answer", "counted_from", "text", counted_from(report), "false"]]
    rows += group("outcomes", report.outcomes)
    rows += group("relapse", report.relapse)
    rows += [cell("needs", c) for c in report.needs]
    for g in report.interventions:
        rows += group(f"interventions:{g.name}", g)
    rows += measure("time_to_decision", report.time_to_decision)
    for m in report.phase_durations:
        rows += measure("phase_durations", m)
    return rows


@router.get(
    "/statistics/isu.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The released figures as CSV"}},
    summary="The same figures as CSV, one released cell a row",
    operation_id="exportIsuCsv",
)
async def get_isu_csv(
    uow: UnitOfWorkDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    first_day: FirstDay,
    last_day: LastDay,
    municipality: Municipality = None,
) -> Response:
    query = _query(first_day, last_day, municipality)
    report, headers = await _report(uow, runtime, caller, query, resource="isu.csv")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(report))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers=headers,
    )


@router.get(
    "/statistics/isu/charts/{series}.{image_format}",
    response_class=Response,
    responses={
        200: {
            "content": {"image/svg+xml": {}, "image/png": {}},
            "description": "A bar chart of one released series",
        }
    },
    summary="A chart of one series (outcomes, needs, interventions, phase_durations)",
    operation_id="readIsuChart",
)
async def get_chart(
    series: Series,
    image_format: Literal["svg", "png"],
    uow: UnitOfWorkDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    first_day: FirstDay,
    last_day: LastDay,
    municipality: Municipality = None,
) -> Response:
    query = _query(first_day, last_day, municipality)
    # Only the series drawn is disclosed; the outcomes chart is the outcomes group.
    report, headers = await _report(
        uow,
        runtime,
        caller,
        query,
        resource=f"isu chart {series.value}.{image_format}",
        series=(series.value,),
    )
    data = bars(report, series)
    if image_format == "svg":
        return Response(svg(series, data), media_type="image/svg+xml", headers=headers)
    return Response(png(series, data), media_type="image/png", headers=headers)
