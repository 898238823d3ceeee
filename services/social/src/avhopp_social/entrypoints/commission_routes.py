"""Commissioning a provider, with the board's decision on what the provider may receive."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Agency
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.policy.agency_categories import DECIDABLE_RULE, categories_for
from avhopp_shared.service_app import ServiceRuntime, UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    AccessDep,
    disclosed_list_response,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.aid_decision import AidType
from avhopp_social.domain.commission import Commission
from avhopp_social.entrypoints.municipality_scope import READS, WRITES
from avhopp_social.service_layer.commissions import commission_provider, commissions_of
from avhopp_social.settings import SocialSettings

router = APIRouter(tags=["commissioning"], responses=problem_responses(401, 403) | NOT_FOUND)


class CommissionIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "intervention": "protected_housing",
                    "provider_organisation": "skyddat-boende-ab",
                    "disclosed_categories": ["case_ref", "identity", "threat"],
                    "decided_on": day(today),
                }
            ]
        )
    )

    intervention: AidType
    provider_organisation: str = Field(min_length=1, max_length=200)
    disclosed_categories: list[Category] = Field(
        default_factory=list,
        description="What the board decides the provider may receive (with the person's "
        "consent); nothing else reaches the provider. Only categories a provider can be "
        "given (a 'decided' cell of the matrix, ACCESS.md), and protected_location only "
        "to housing the provider runs.",
    )
    decided_on: Day


class CommissionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "commission_id": "b7e1f0a2-3c5d-4e6f-8a9b-0c1d2e3f4a5b",
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "intervention": "protected_housing",
                    "provider_organisation": "skyddat-boende-ab",
                    "disclosed_categories": ["case_ref", "identity", "threat"],
                    "decided_by": "socialsekreterare-1",
                    "decided_on": "2026-11-20",
                }
            ]
        }
    )

    commission_id: str
    case_id: str
    intervention: AidType
    provider_organisation: str
    disclosed_categories: list[Category]
    decided_by: str
    decided_on: date

    @classmethod
    def of(cls, made: Commission) -> CommissionPublic:
        return cls(
            commission_id=made.commission_id,
            case_id=made.case_id,
            intervention=made.intervention,
            provider_organisation=made.provider_organisation,
            disclosed_categories=list(made.disclosed_categories),
            decided_by=made.decided_by,
            decided_on=made.decided_on,
        )


# WRITES, the municipality of stay included: acute aid it decides, protected
# housing above all, is carried out by a provider it commissions, and the
# deciding board says what that provider may receive (PROCESS.md step 10;
# 2 a kap. 2-3 §§ SoL).
def _decidable_for_providers(request: Request) -> frozenset[Category]:
    """What a disclosure decision can open to a provider: its "decided" cells, as the
    service's policy says (``data.avhopp.access.decidable``; a municipality may change
    the matrix without touching code). No answer refuses the commission (503)."""
    runtime: ServiceRuntime = request.app.state.runtime
    answer = categories_for(runtime.policy, DECIDABLE_RULE, "provider")
    known = {category.value for category in Category}
    return frozenset(Category(c) for c in answer if c in known)


@router.post(
    "/cases/{case_id}/commissions",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(CommissionPublic),
    responses=problem_responses(422),
    dependencies=[requires("aid_decision.write"), WRITES],
    summary="Commission a provider and decide which categories it may receive",
    operation_id="commissionProvider",
)
async def post_commission(
    case_id: CaseId, body: CommissionIn, request: Request, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    settings: SocialSettings = request.app.state.settings
    async with uow:  # the commission, its events and the answer's audit entry commit together
        made = await commission_provider(
            uow,
            case_id,
            intervention=body.intervention,
            provider_organisation=body.provider_organisation,
            disclosed_categories=body.disclosed_categories,
            known_providers=settings.providers,
            decidable=_decidable_for_providers(request),
            by=access.caller.recorded_as,
            decided_on=body.decided_on,
            # The Swedish date (README: days are Swedish days, Europe/Stockholm).
            today=today_in_sweden(),
        )
        disclosure = await access.disclose(case_id, CommissionPublic.of(made))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/commissions",
    response_model=list[disclosed_model(CommissionPublic)],  # type: ignore[misc]
    dependencies=[requires("investigation.read"), READS],
    summary="The providers commissioned for the case; a provider reads only its own",
    operation_id="listCommissions",
)
async def get_commissions(case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep) -> JSONResponse:
    caller = access.caller
    async with uow:
        found = await commissions_of(uow, case_id)
        if caller.agency is Agency.PROVIDER:
            # ACCESS.md: a provider commission is `interventions`, "own" for the
            # provider too: it reads what it was commissioned for and what the
            # board decided it may receive, as the party to it. Another provider's
            # commission on the case is not its own, and is not shown at all.
            mine = [c for c in found if c.provider_organisation == caller.organisation]
            disclosures = await access.disclose_each(
                [(case_id, CommissionPublic.of(c)) for c in mine],
                owner=Owner(Agency.PROVIDER.value, caller.organisation),
            )
        else:
            disclosures = await access.disclose_each(
                [(case_id, CommissionPublic.of(c)) for c in found]
            )
    return disclosed_list_response(disclosures)
