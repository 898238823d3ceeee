"""The case's phase (seed 000's four), and the cases stuck in the acute phase."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_followup.adapters.tables import PhaseEntryRecord
from avhopp_followup.domain.phases import CasePhases, Phase
from avhopp_followup.entrypoints.access_scope import (
    READS,
    RESPONSIBLE_WRITES,
    cases_of,
    require_case_ref,
    require_commissioned,
)
from avhopp_followup.entrypoints.exit_parts import followed_as_shown, shown_exit_of
from avhopp_followup.service_layer.phases import acute_overdue, phases_of, record_phase_change
from avhopp_followup.settings import FollowupSettings
from avhopp_shared.access.categories import Category
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.listing import disclosed_page
from avhopp_shared.web.params import NOT_FOUND, CaseId, Limit, Offset
from avhopp_shared.web.problems import problem_responses

router = APIRouter(tags=["phases"], responses=problem_responses(401, 403) | NOT_FOUND)

_EXAMPLE_CASE = "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f"


class PhaseChangeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=dated_examples(
            lambda today: [{"phase": "acute", "entered_on": day(today)}]
        ),
    )

    phase: Phase
    entered_on: Day
    reason: str | None = Field(
        default=None,
        max_length=2000,
        description="Required when the change skips a phase or goes back (e.g. a relapse)",
    )


class PhaseEntryPublic(BaseModel):
    phase: Phase
    entered_on: date
    reason: str | None
    # A provider's client when a provider recorded the phase: which provider works
    # with the person is ``interventions`` (ACCESS.md), not the phase's ``case_ref``
    # (policies/data/catalogue.json), so a reader shown the phase need not see who.
    recorded_by: str
    recorded_at: datetime


class PhasesPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": _EXAMPLE_CASE,
                    "phase": "acute",
                    "entered_on": "2026-11-20",
                    "acute_overdue": False,
                    "history": [
                        {
                            "phase": "initial_contact",
                            "entered_on": "2026-11-02",
                            "reason": None,
                            "recorded_by": "platform",
                            "recorded_at": "2026-11-02T08:00:00Z",
                        },
                        {
                            "phase": "acute",
                            "entered_on": "2026-11-20",
                            "reason": None,
                            "recorded_by": "skyddat-boende-ab",
                            "recorded_at": "2026-11-20T09:00:00Z",
                        },
                    ],
                }
            ]
        }
    )

    case_id: str
    phase: Phase
    entered_on: date
    acute_overdue: bool = Field(description="In the acute phase longer than it is expected to last")
    history: list[PhaseEntryPublic]

    @classmethod
    def of(
        cls, phases: CasePhases, today: date, settings: FollowupSettings, *, followed: bool
    ) -> PhasesPublic:
        """``followed``: the case is still followed up (``Exit.still_followed``); a case
        whose exit has ended is nobody's to look at, as on ``/phases/acute-overdue``."""
        return cls(
            case_id=phases.case_id,
            phase=phases.current.phase,
            entered_on=phases.current.entered_on,
            acute_overdue=followed and phases.acute_overdue(today, settings.acute_expected),
            history=[
                PhaseEntryPublic(
                    phase=e.phase,
                    entered_on=e.entered_on,
                    reason=e.reason,
                    recorded_by=e.recorded_by,
                    recorded_at=e.recorded_at,
                )
                for e in phases.entries
            ],
        )


@router.get(
    "/cases/{case_id}/phases",
    response_model=disclosed_model(PhasesPublic),
    dependencies=[requires("timeline.read"), READS],
    summary="The case's current phase and the phases before it",
    operation_id="readPhases",
)
async def get_phases(
    case_id: CaseId, request: Request, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    settings: FollowupSettings = request.app.state.settings
    async with uow:
        phases = await phases_of(uow, case_id)
        # Police's end of the exit counts only for a caller who may see it (exit_parts).
        followed = await followed_as_shown(access, uow, case_id)
        public = PhasesPublic.of(phases, today_in_sweden(), settings, followed=followed)
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure)


# RESPONSIBLE_WRITES: moving the case from one phase of the exit to the next is
# following it up (PROCESS.md step 11), the responsible municipality's, never the
# municipality of stay's (2 a kap. 2-3 §§ SoL: acute help only); a provider is
# held to its commissions below, and to what the gate shows it of the case.
@router.post(
    "/cases/{case_id}/phases",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(PhasesPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("phase.write"), RESPONSIBLE_WRITES],
    summary="Move the case to another phase (one step; skipping or going back needs a reason)",
    description="A provider moves only a case it is commissioned for and whose reference "
    "it may read (the board's decision and the person's consent): 403 otherwise, before "
    "the change is checked, as a refusal names the current phase.",
    operation_id="changePhase",
)
async def post_phase(
    case_id: CaseId, body: PhaseChangeIn, request: Request, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    settings: FollowupSettings = request.app.state.settings
    async with uow:  # the change, its event and the answer's audit entry commit together
        await require_commissioned(uow, case_id, access.caller)
        # Refused changes name the current phase and its day (``change_phase``) and
        # the exit's end (``require_followed``): ``case_ref``, asked for first.
        await require_case_ref(access, case_id)
        phases = await record_phase_change(
            uow,
            case_id,
            to=body.phase,
            entered_on=body.entered_on,
            reason=body.reason,
            by=access.caller.recorded_as,
            exit_shown=await shown_exit_of(access, uow, case_id, for_update=True),
        )
        # Recorded only while the case is followed up (409 otherwise).
        public = PhasesPublic.of(phases, today_in_sweden(), settings, followed=True)
        disclosure = await access.disclose(case_id, public)
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/phases/acute-overdue",
    response_model=list[disclosed_model(PhasesPublic)],  # type: ignore[misc]
    dependencies=[requires("timeline.read")],
    summary="Cases in the acute phase longer than expected (1-4 weeks, seed 000), longest first",
    operation_id="listAcuteOverdue",
)
async def get_acute_overdue(
    request: Request,
    uow: UnitOfWorkDep,
    access: AccessDep,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    settings: FollowupSettings = request.app.state.settings
    today = today_in_sweden()
    within = cases_of(access.caller, PhaseEntryRecord.case_id)
    async with uow:
        # Being listed tells that the case is stuck in the acute phase, and the
        # order how long it has been there: both are the case's phase, which is
        # ``case_ref`` (policies/data/catalogue.json). A case is listed only
        # where the gate shows the caller that, and offset and limit count the
        # items shown, of which only the page's are audited (README,
        # ``web.listing``).
        # A case police completed leaves the list only for a reader who may see that
        # end; to anyone else it goes on, and so stays (exit_parts).
        disclosures = await disclosed_page(
            access,
            lambda size, skip: acute_overdue(
                uow, today, settings.acute_expected, within, size, skip, completed_too=True
            ),
            lambda found: (found.case_id, PhasesPublic.of(found, today, settings, followed=True)),
            limit=limit,
            offset=offset,
            filtered_on=[Category.CASE_REF],
            belongs=lambda found: followed_as_shown(access, uow, found.case_id),
        )
    return disclosed_list_response(disclosures, one_per_case=True)
