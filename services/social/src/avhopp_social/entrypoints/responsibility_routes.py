"""Municipal responsibility: where the case started, where the person stays, transfers.

Everything but the residence the case started from is ``protected_location``
(the municipality of stay is usually the new home town): only the case team
reads it back (``_disclose``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.access.categories import Category
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.auth.caller import Agency
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.municipalities import resolve_municipality
from avhopp_shared.service_app import UnitOfWorkDep
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_shared.web.disclosure import (
    Access,
    AccessDep,
    disclosed_model,
    disclosed_response,
    requires,
)
from avhopp_shared.web.params import NOT_FOUND, CaseId
from avhopp_shared.web.problems import problem_responses
from avhopp_social.domain.responsibility import Responsibility
from avhopp_social.entrypoints.decided import bases_of
from avhopp_social.entrypoints.municipality_scope import READS, RESPONSIBLE_WRITES
from avhopp_social.service_layer.responsibility import (
    record_stay,
    responsibility_of,
    transfer_responsibility,
)

router = APIRouter(tags=["responsibility"], responses=problem_responses(401, 403) | NOT_FOUND)
_MUNICIPALITY = "A Swedish municipality: its four-digit code or its exact name"

#: What opens this record's ``protected_location``: the case team, or break-glass in
#: acute danger (README, social services: "read only by the case team").
_CASE_TEAM_RULES = frozenset({"team", "break_glass"})
#: The record's ``case_ref`` fields (policies/data/catalogue.json, ``ResponsibilityPublic``).
_CASE_REF = {"case_id", "residence_municipality"}
#: How the record's ``protected_location`` is named as withheld when cut here.
_OFF_THE_TEAM = {Category.PROTECTED_LOCATION.value: "not on the case team"}


class ResponsibilityIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"residence_municipality": "1280", "stay_municipality": "2480"}]
        }
    )

    residence_municipality: str = Field(description=_MUNICIPALITY)
    stay_municipality: str | None = Field(default=None, description=_MUNICIPALITY)


class TransferIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "to_municipality": "2480",
                    "requested_on": day(today),
                    "decided_on": day(today),
                    "effective_on": day(today, 14),
                }
            ]
        )
    )

    to_municipality: str = Field(description=_MUNICIPALITY)
    requested_on: Day
    decided_on: Day
    effective_on: Day


class TransferPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "to_municipality": "2480",
                    "requested_on": "2026-09-01",
                    "decided_on": "2026-09-15",
                    "effective_on": "2026-10-01",
                }
            ]
        }
    )

    to_municipality: str
    requested_on: date
    decided_on: date
    effective_on: date


class ResponsibilityPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "case_id": "9f1c2d3e-4b5a-4c6d-8e7f-1a2b3c4d5e6f",
                    "residence_municipality": "1280",
                    "stay_municipality": "2480",
                    "stay_since": "2026-08-20",
                    "responsible_municipality": "2480",
                    "acute_responsible_municipality": "2480",
                    "transfers": [
                        {
                            "to_municipality": "2480",
                            "requested_on": "2026-09-01",
                            "decided_on": "2026-09-15",
                            "effective_on": "2026-10-01",
                        }
                    ],
                }
            ]
        }
    )

    case_id: str
    residence_municipality: str
    stay_municipality: str | None
    #: The day the stay was recorded (null for a stay recorded before that day
    #: was kept): a transfer that had already taken effect then does not end it.
    stay_since: date | None
    responsible_municipality: str
    acute_responsible_municipality: str
    transfers: list[TransferPublic]

    @classmethod
    def of(cls, held: Responsibility, today: date) -> ResponsibilityPublic:
        return cls(
            case_id=held.case_id,
            residence_municipality=held.residence,
            # Until a transfer elsewhere takes effect (``Responsibility.stay_on``).
            stay_municipality=(stay := held.stay_on(today)),
            stay_since=held.stay_since if stay is not None else None,
            responsible_municipality=held.responsible_on(today),
            acute_responsible_municipality=held.acute_responsible_on(today),
            transfers=[
                TransferPublic(
                    to_municipality=t.to_municipality,
                    requested_on=t.requested_on,
                    decided_on=t.decided_on,
                    effective_on=t.effective_on,
                )
                for t in held.transfers
            ],
        )


async def _disclose(access: Access, case_id: str, public: ResponsibilityPublic) -> Disclosure:
    """The record as the caller may read it: its ``protected_location`` only as the case team.

    A provider's ``protected_location`` is the housing it runs (ACCESS.md, baseline
    matrix: "decided (the housing it runs)"), which social services' record of where
    the person stays and where the case moves is not; and README gives this record's
    ``protected_location`` to the case team alone, never on another basis. A provider
    named to the team at a high threat level is opened it as "team" only where the
    board's decision opens it (policies/access/threat_level.rego): still the housing it
    runs, so never this record. A caller the gate would open it to otherwise, or such
    a provider, reads the case reference only, and the answer
    and the audit entry name ``protected_location`` as withheld: it was never read,
    so no ``case.protected_location_read`` alert is raised either.
    """
    opened = (await bases_of(access, [case_id], Category.PROTECTED_LOCATION))[case_id]
    if opened is None or (
        opened.rule in _CASE_TEAM_RULES and access.caller.agency is not Agency.PROVIDER
    ):
        # Read as the case team, or withheld by the gate itself with its own reason.
        return await access.disclose(case_id, public)
    reference = ResponsibilityPublic.model_construct(**public.model_dump(include=_CASE_REF))
    async with access.uow as uow:
        disclosure = await access.runtime.gate.disclose(
            uow,
            recipient=access.caller,
            purpose=access.purpose.value,
            case_id=case_id,
            item=reference,
            channel="rest",
            left_out=_OFF_THE_TEAM,
        )
        await uow.commit()
    withheld = dict(sorted({**disclosure.withheld, **_OFF_THE_TEAM}.items()))
    return replace(disclosure, withheld=withheld)


@router.post(
    "/cases/{case_id}/responsibility",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ResponsibilityPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Record the municipality of stay (the residence is the one on record)",
    description=(
        "The residence is the municipality that received the application, recorded when "
        "the case opened; naming another is refused (409): responsibility moves only by a "
        "transfer. The municipality of stay (`null` clears it) is another municipality "
        "than the responsible one (422); a transfer to another municipality ends it on "
        "the day the transfer takes effect."
    ),
    operation_id="recordResponsibility",
)
async def post_responsibility(
    case_id: CaseId, body: ResponsibilityIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    residence = resolve_municipality(body.residence_municipality, "residence_municipality").code
    stay = body.stay_municipality
    stay_code = None if stay is None else resolve_municipality(stay, "stay_municipality").code
    today = today_in_sweden()
    async with uow:
        held = await record_stay(uow, case_id, residence=residence, stay=stay_code, today=today)
        disclosure = await _disclose(access, case_id, ResponsibilityPublic.of(held, today))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.post(
    "/cases/{case_id}/responsibility/transfers",
    status_code=status.HTTP_201_CREATED,
    response_model=disclosed_model(ResponsibilityPublic),
    responses=problem_responses(409, 422),
    dependencies=[requires("aid_decision.write"), RESPONSIBLE_WRITES],
    summary="Transfer the responsibility to another municipality (2 a kap. 10 § SoL)",
    description=(
        "Each transfer takes effect on a later day than the one before (422 on "
        "`effective_on`), no earlier than the application was received, and moves the "
        "case to another municipality (422 on `to_municipality`). The transfers are "
        "`protected_location`: a refusal names neither their days nor their "
        "destinations, and off the case team a move is checked only against the "
        "municipality responsible today. While a transfer is pending, only a member of "
        "the case team records the next one: anyone else gets one 409, whatever the "
        "days."
    ),
    operation_id="transferResponsibility",
)
async def post_transfer(
    case_id: CaseId, body: TransferIn, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    to = resolve_municipality(body.to_municipality, "to_municipality").code
    # The Swedish date: "decided today" and "in effect today" are Swedish days.
    today = today_in_sweden()
    async with uow:
        held = await transfer_responsibility(
            uow,
            case_id,
            to_municipality=to,
            requested_on=body.requested_on,
            decided_on=body.decided_on,
            effective_on=body.effective_on,
            today=today,
            # The transfers are protected_location: may the caller read them?
            reads_transfers=await access.may_see(case_id, Category.PROTECTED_LOCATION),
        )
        disclosure = await _disclose(access, case_id, ResponsibilityPublic.of(held, today))
    return disclosed_response(disclosure, status.HTTP_201_CREATED)


@router.get(
    "/cases/{case_id}/responsibility",
    response_model=disclosed_model(ResponsibilityPublic),
    dependencies=[requires("investigation.read"), READS],
    summary="Which municipality is responsible, today and in an acute situation",
    description=(
        "All but the residence the case started from is `protected_location`, read only "
        "by the case team (or by break-glass): anyone else, a provider the board decided "
        "the new home town for included, reads the case reference alone."
    ),
    operation_id="readResponsibility",
)
async def get_responsibility(
    case_id: CaseId, uow: UnitOfWorkDep, access: AccessDep
) -> JSONResponse:
    async with uow:
        held = await responsibility_of(uow, case_id)
        disclosure = await _disclose(
            access, case_id, ResponsibilityPublic.of(held, today_in_sweden())
        )
    return disclosed_response(disclosure)
