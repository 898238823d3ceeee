"""The HTTP side of the disclosure gate: who asks, for what purpose, and the filtered answer.

A route that answers with case data declares ``access: AccessDep``, passes each
public model through ``access.disclose`` and returns ``disclosed_response``:
withheld categories are omitted (never nulled) and the body names them with
the reason in ``withheld``. Actions are checked with ``requires("<action>")``.
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, create_model

from avhopp_shared.access.catalogue import nested_model
from avhopp_shared.access.categories import DEFAULT_PURPOSE, Category, Purpose
from avhopp_shared.access.gate import Disclosure
from avhopp_shared.access.policy_input import Owner
from avhopp_shared.auth.caller import Caller
from avhopp_shared.auth.dependencies import CallerDep, Forbidden
from avhopp_shared.errors import NotFound
from avhopp_shared.policy.access_decision import action_allowed
from avhopp_shared.service_app import ServiceRuntime, UnitOfWorkDep
from avhopp_shared.uow import UnitOfWork

PURPOSE_HEADER = "Avhopp-Purpose"
DECISION_HEADER = "Avhopp-Decision-Id"


class WithheldCategory(BaseModel):
    category: str
    reason: str = Field(examples=["no consent"])


@dataclass(frozen=True)
class Access:
    caller: Caller
    purpose: Purpose
    runtime: ServiceRuntime
    #: The request's unit of work. Disclosing commits it: a route that read or
    #: staged the item inside ``async with uow`` has it disclosed, audited and
    #: committed in that one transaction.
    uow: UnitOfWork
    #: The case a read of ``/cases/{case_id}/...`` is about (None for any other request).
    case_read: str | None = None

    async def disclose(
        self, case_id: str, item: BaseModel, *, owner: Owner | None = None
    ) -> Disclosure:
        return (await self.disclose_each([(case_id, item)], owner=owner))[0]

    async def disclose_each(
        self,
        items: Sequence[tuple[str, BaseModel]],
        *,
        owner: Owner | None = None,
        owners: Sequence[Owner | None] | None = None,
    ) -> list[Disclosure]:
        """One decision and one audit entry per item, all committed together (or none).

        ``owner`` is who holds the items when not this service's agency as a
        whole (a provider's own report); ``owners`` names it item by item.

        On a read of one case (``case_read``), an answer that would show
        nothing at all — no item, or none with anything disclosed — is the 404
        of a case that does not exist, unless the caller may see the case's
        reference: even the existence of a case is ``case_ref`` data (ACCESS.md,
        "Data categories"), and an empty list would say the case is there. The
        refused items are audited all the same.
        """
        uow = self.uow
        async with uow:
            disclosures = await self.runtime.gate.disclose_all(
                uow,
                recipient=self.caller,
                purpose=self.purpose.value,
                items=items,
                channel="rest",
                owner=owner,
                owners=owners,
            )
            await uow.commit()
            if (
                self.case_read is not None
                and all(d.nothing for d in disclosures)
                and not await self.may_see(self.case_read, Category.CASE_REF)
            ):
                raise NotFound("case data", "for this caller")
        return disclosures

    async def decide_each(
        self, items: Sequence[tuple[str, BaseModel]], *, owner: Owner | None = None
    ) -> list[Disclosure]:
        """What ``disclose_each`` would disclose of each item, decided but not disclosed.

        ``owner`` holds the items when they are not this service's own records
        (a copy another agency sent), as for ``disclose_each``.

        Nothing is audited, emitted or committed: nothing leaves. A listing
        uses it to choose its items (``avhopp_shared.web.listing``) and then
        discloses, and so audits, only the items it answers with: an audit
        entry for an item that was never sent would say it was (ACCESS.md,
        "Audit": the trail records what was disclosed).
        """
        if not items:
            return []
        gate = self.runtime.gate
        async with self.uow as uow:
            states = await gate.states_of(uow.session, [case_id for case_id, _ in items])
            now = gate.clock()
            decided = []
            for case_id, item in items:
                state, version = states[case_id]
                disclosure, _ = gate.decide(
                    recipient=self.caller,
                    purpose=self.purpose.value,
                    case_id=case_id,
                    item=item,
                    state=state,
                    now=now,
                    owner=owner,
                    version=version,
                )
                decided.append(disclosure)
        return decided

    async def may_see(self, case_id: str, category: Category) -> bool:
        """Whether the caller may see ``category`` of the case as this service holds it:
        decided as a read would be, but nothing is disclosed or audited."""
        gate = self.runtime.gate
        async with self.uow as uow:
            state, version = (await gate.states_of(uow.session, [case_id]))[case_id]
            decision = gate.decision(
                recipient=self.caller,
                purpose=self.purpose.value,
                case_id=case_id,
                categories=[category.value],
                state=state,
                now=gate.clock(),
                version=version,
            )
        return category.value in decision.allowed


async def _access(
    request: Request,
    caller: CallerDep,
    uow: UnitOfWorkDep,
    purpose: Annotated[
        Purpose | None,
        Header(
            alias=PURPOSE_HEADER,
            description="Why the data is asked for; defaults to the agency's ordinary purpose.",
        ),
    ] = None,
) -> Access:
    # The header is read here, not in a dependency of its own: FastAPI solves a
    # dependency's whole subtree again each time it is named, and every governed
    # request pays for each one.
    chosen = purpose or DEFAULT_PURPOSE[caller.agency.value]
    case_read = request.path_params.get("case_id") if request.method in ("GET", "HEAD") else None
    return Access(caller, chosen, request.app.state.runtime, uow, case_read)


AccessDep = Annotated[Access, Depends(_access)]


def requires(action: str) -> Any:
    """A route dependency: 403 unless the policy lets the caller's agency take ``action``."""

    async def check(request: Request, caller: CallerDep) -> None:
        runtime: ServiceRuntime = request.app.state.runtime
        if not action_allowed(runtime.policy, caller, action, runtime.gate.owner):
            raise Forbidden(f"{caller.agency.value} clients may not {action.replace('.', ' ')}")

    return Depends(check)


def _body(disclosure: Disclosure) -> dict[str, Any]:
    withheld = [{"category": c, "reason": r} for c, r in disclosure.withheld.items()]
    return {**disclosure.data, "withheld": withheld}


def disclosed_response(
    disclosure: Disclosure, status_code: int = 200, *, write: bool | None = None
) -> JSONResponse:
    """The filtered body; on a read, a 404 when nothing at all may be disclosed.

    A reader who may see nothing of a case cannot tell it from a case that does
    not exist: even its existence is ``case_ref`` (the read is still audited).
    A write still answers, with every category listed as withheld. ``write``
    says which this answers; by default a 201 is a write and anything else a
    read, but a replayed write (200 to a retry) is a write too: the client that
    made the case must get the same answer on its retry, not a 404.
    """
    answers_write = status_code == 201 if write is None else write
    if disclosure.nothing and not answers_write:
        # Answered as every NotFound is, in one body that names neither the
        # resource nor the id (``problems``): byte for byte the 404 of a case
        # this service has never heard of.
        raise NotFound("case data", "for this caller")
    return JSONResponse(
        _body(disclosure),
        status_code=status_code,
        headers={DECISION_HEADER: disclosure.decision_id},
    )


def disclosed_record(disclosure: Disclosure) -> JSONResponse:
    """A read of one record, answered as a listing shows it (``_shown``): the 404 of a
    record that does not exist when the caller would be shown its case reference
    and nothing else, the rest withheld.

    ``disclosed_response`` answers 404 only when nothing at all may be shown. A
    reader who may see the case's reference but not the record's own category (a
    threat assessment to social services without a threat consent) would get the
    case id alone for a record that exists and the 404 for one that does not: the
    status would tell that the record exists, itself a fact of the withheld
    category (ACCESS.md, "Data categories"). A reader shown some of the record's
    own content still gets it; a record made of case-reference fields alone, with
    nothing withheld, is shown whole. The read is audited all the same:
    ``Access.disclose`` has committed its entry by now.
    """
    if not disclosure.nothing and not _shown(disclosure, shown_whole=False):
        raise NotFound("case data", "for this caller")
    return disclosed_response(disclosure)


def disclosed_list_response(
    disclosures: Sequence[Disclosure], *, one_per_case: bool = False, notices: bool = False
) -> JSONResponse:
    """Items the caller may see nothing of are left out of the list altogether, and so
    are those of which only the case reference may be seen while the rest is withheld.

    Such an item is still a record of the withheld category, and a list of them
    tells that those records exist and how many there are (that police hold a
    risk assessment, that aid was refused): what the category itself is meant
    to hold back (ACCESS.md). ``one_per_case``: each item is the case itself in
    some state (every case has one investigation, one current phase), which a
    listing chose on categories the caller may see (``listing.disclosed_page``);
    its reference alone then tells no more than the case is there. ``notices``:
    each item is a notice to the case owner about its own case (an access alert),
    whose reference fields are the notice itself, not the stub of a record.
    """
    shown_whole = one_per_case or notices
    return JSONResponse([_body(d) for d in disclosures if _shown(d, shown_whole)])


def _shown(disclosure: Disclosure, shown_whole: bool) -> bool:
    if disclosure.nothing:
        return False
    if shown_whole or not disclosure.withheld:
        return True
    return bool(disclosure.disclosed - {Category.CASE_REF.value})


#: Disclosed variant → the public model it was made from (for the catalogue test).
DISCLOSED_FROM: dict[type[BaseModel], type[BaseModel]] = {}


@cache
def disclosed_model(model: type[BaseModel]) -> type[BaseModel]:
    """``model`` as a disclosure may return it: every field optional, plus ``withheld``.

    Used for the OpenAPI document, so that generated clients expect omitted fields.
    """
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = _optional_nested(info.annotation)
        fields[name] = (annotation | None, Field(default=None, description=info.description))
    fields["withheld"] = (
        list[WithheldCategory],
        Field(default_factory=list, description="Categories held back, with the reason."),
    )
    disclosed: type[BaseModel] = create_model(
        f"{model.__name__}Disclosed",
        __config__=_examples_config(model, withheld=True),
        **fields,
    )
    DISCLOSED_FROM[disclosed] = model
    return disclosed


def _optional_nested(annotation: Any) -> Any:
    inner = nested_model(annotation)
    if inner is None:
        return annotation
    replacement = _partial_model(inner)
    if typing.get_origin(annotation) in (list, tuple):
        return list[replacement]  # type: ignore[valid-type]
    return replacement


@cache
def _partial_model(model: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_optional_nested(info.annotation) | None, Field(default=None))
        for name, info in model.model_fields.items()
    }
    partial: type[BaseModel] = create_model(
        f"{model.__name__}Partial", __config__=_examples_config(model), **fields
    )
    return partial


def _examples_config(model: type[BaseModel], *, withheld: bool = False) -> ConfigDict | None:
    """The source model's examples for a variant, so generated clients keep them.

    A full example is a valid variant too (every variant field is optional);
    the top-level variant's examples also show ``withheld``, empty as nothing
    was held back.
    """
    extra = model.model_config.get("json_schema_extra")
    source = extra.get("examples") if isinstance(extra, dict) else None
    if not isinstance(source, list):
        return None
    examples = copy.deepcopy(source)
    if withheld:
        examples = [{**e, "withheld": []} if isinstance(e, dict) else e for e in examples]
    return ConfigDict(json_schema_extra={"examples": examples})
