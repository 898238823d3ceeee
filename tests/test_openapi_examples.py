"""The OpenAPI documents: every request body and answer shows a valid example.

Integrators generate clients from these documents, so an example must be one the
API itself accepts (or could answer with): a refused example teaches a request
that ends in 422. The request examples are posted as they stand on a case
received today, so their dates count from today's Swedish date.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Awaitable, Callable, Iterator
from functools import cache
from types import NoneType
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from avhopp_followup import app as followup_app
from avhopp_followup.settings import FollowupSettings
from avhopp_intake import app as intake_app
from avhopp_intake.settings import IntakeSettings
from avhopp_shared.access.catalogue import nested_model
from avhopp_shared.auth.demo_clients import DEMO_CLIENTS
from avhopp_shared.service_app import ServiceDefinition
from avhopp_shared.web.disclosure import DISCLOSED_FROM
from avhopp_social import app as social_app
from avhopp_social.settings import SocialSettings
from avhopp_threat import app as threat_app
from avhopp_threat.settings import ThreatSettings
from tests.fixtures.database import count_rows
from tests.fixtures.models import models_in
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_placement import name_to_team
from tests.test_police_case import consent_to_decision_summary
from tests.test_threat_assessments import assessment

REF_PREFIX = "#/components/schemas/"


@cache
def _definition(service: str) -> ServiceDefinition:
    if service == "social":
        return social_app.definition(SocialSettings())
    return followup_app.definition(FollowupSettings())


@cache
def _document(service: str = "social") -> dict[str, Any]:
    if service == "social":
        return social_app.create_app(SocialSettings()).openapi()
    return followup_app.create_app(FollowupSettings()).openapi()


@cache
def _social_routes(service: str = "social") -> tuple[APIRoute, ...]:
    # Only the service's own routers: health, readiness and the key set are
    # platform plumbing that every service shares.
    return tuple(
        route
        for router in _definition(service).routers
        for route in router.routes
        if isinstance(route, APIRoute)
    )


def _operations(service: str = "social") -> Iterator[tuple[APIRoute, str, dict[str, Any]]]:
    paths = _document(service)["paths"]
    for route in _social_routes(service):
        for method in sorted(route.methods or ()):
            yield route, f"{method} {route.path}", paths[route.path][method.lower()]


def _component(schema: dict[str, Any], service: str = "social") -> tuple[str, dict[str, Any]]:
    """The component a schema refers to (a list's items for a list)."""
    schema = schema.get("items", schema)
    # An optional body is documented as its model or null.
    schema = next((s for s in schema.get("anyOf", []) if "$ref" in s), schema)
    reference = schema.get("$ref", "")
    assert reference.startswith(REF_PREFIX), f"not a component reference: {schema}"
    name = reference.removeprefix(REF_PREFIX)
    return name, _document(service)["components"]["schemas"][name]


def _examples(name: str, component: dict[str, Any]) -> list[Any]:
    examples = component.get("examples")
    assert isinstance(examples, list) and examples, f"{name} has no examples"
    return examples


def _refusals(model: type[BaseModel], examples: list[Any]) -> list[str]:
    """Why ``model`` refuses each example it does not accept, read as JSON like a request."""
    refused = []
    for index, example in enumerate(examples):
        try:
            model.model_validate_json(json.dumps(example))
        except ValidationError as error:
            refused.append(f"{model.__name__} example {index}: {error}")
    return refused


@pytest.mark.parametrize("service", ["social", "followup"])
def test_every_request_body_has_an_example_that_the_model_accepts(service: str) -> None:
    checked: set[str] = set()
    refused: list[str] = []
    for route, operation_id, operation in _operations(service):
        if route.body_field is None:
            assert "requestBody" not in operation, operation_id
            continue
        annotation = route.body_field.field_info.annotation
        # An optional body (a task's completion) is its model or nothing.
        [model] = [m for m in typing.get_args(annotation) or (annotation,) if m is not NoneType]
        assert isinstance(model, type) and issubclass(model, BaseModel), operation_id
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        name, component = _component(schema, service)
        assert name == model.__name__, operation_id
        refused += _refusals(model, _examples(name, component))
        checked.add(name)

    expected = {
        "social": {"ActionPlanIn", "ChildIn", "TransferIn", "HealthResultIn"},
        "followup": {"ProviderReportIn", "PhaseChangeIn", "ExitAbortIn", "MeetingIn"},
    }
    assert expected[service] <= checked
    assert refused == []


def test_every_social_answer_has_an_example_of_the_whole_model_it_discloses() -> None:
    checked: set[str] = set()
    refused: list[str] = []
    for route, operation_id, operation in _operations():
        answers = {
            code: answer["content"]["application/json"]["schema"]
            for code, answer in operation["responses"].items()
            if code.startswith("2") and "application/json" in answer.get("content", {})
        }
        assert answers, f"{operation_id} documents no JSON answer"
        for schema in answers.values():
            name, component = _component(schema)
            examples = _examples(name, component)
            disclosed = nested_model(route.response_model)
            assert disclosed is not None and disclosed.__name__ == name, operation_id
            refused += _refusals(disclosed, examples)
            assert all(e.get("withheld") == [] for e in examples), f"{name}: withheld"
            # The variant accepts a partial answer; the example should show the
            # whole one, so the public model must accept it too. Read from the
            # model itself: the document is written without null values.
            public = DISCLOSED_FROM[disclosed]
            extra = public.model_config.get("json_schema_extra")
            assert isinstance(extra, dict), f"{public.__name__} has no examples"
            own = extra.get("examples")
            assert isinstance(own, list) and len(own) == len(examples), public.__name__
            refused += _refusals(public, own)
            checked.add(name)

    assert {"ActionPlanPublicDisclosed", "ResponsibilityPublicDisclosed"} <= checked
    assert refused == []


@pytest.mark.parametrize("service", ["social", "followup"])
def test_every_example_in_the_document_is_accepted_by_the_model_it_documents(service: str) -> None:
    components = _document(service)["components"]["schemas"]
    models = {
        model.__name__: model
        for route in _social_routes(service)
        for annotation in (
            route.response_model,
            route.body_field.field_info.annotation if route.body_field else None,
        )
        for model in models_in(annotation)
    }
    documented = {name: models[name] for name in models if components[name].get("examples")}

    # Nested models too (a measure, a rating, a transfer), partial variants included.
    expected = {
        "social": {"MeasureIn", "RatedIn", "TransferIn", "TransferPublicPartial"},
        "followup": {"ProviderReportIn", "TimelinePublicDisclosed", "IsuReportPublic"},
    }
    assert expected[service] <= set(documented)
    refused = [
        refusal
        for name, model in documented.items()
        for refusal in _refusals(model, components[name]["examples"])
    ]
    assert refused == []


# ------------------------------------------------- request examples, posted as-is

#: The services whose request examples are posted on a running platform. Intake's
#: request bodies are posted where they document an example.
POSTED_SERVICES = ("intake", "threat", "social", "followup")

#: The demo client of the provider CommissionIn's example commissions.
PROVIDER = "provider-skyddat-boende"

#: Path parameters other than the case: each names what a suitable case needs first.
Prepared = dict[str, str]
Preparation = Callable[[RunningPlatform, str], Awaitable[Prepared]]


def _request_bodies(service: str) -> list[tuple[str, str]]:
    """(path, component) of every request body of ``service`` that documents an example."""
    document = _posted_document(service)
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            assert method == "post", (method, path)
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            name, component = _component_of(document, schema)
            if component.get("examples"):
                found.append((path, name))
    return found


@cache
def _posted_document(service: str) -> dict[str, Any]:
    if service in ("social", "followup"):
        return _document(service)
    if service == "intake":
        return intake_app.create_app(IntakeSettings()).openapi()
    return threat_app.create_app(ThreatSettings()).openapi()


def _component_of(document: dict[str, Any], schema: dict[str, Any]) -> tuple[str, Any]:
    schema = next((s for s in schema.get("anyOf", []) if "$ref" in s), schema)
    name = schema["$ref"].removeprefix(REF_PREFIX)
    return name, document["components"]["schemas"][name]


def _example(p: RunningPlatform, service: str, component: str) -> Any:
    """The first example of ``component`` in the running ``service``'s own document."""
    return p.apps[service].openapi()["components"]["schemas"][component]["examples"][0]


async def _posted(p: RunningPlatform, service: str, path: str, component: str) -> Any:
    """``component``'s example posted to ``path``: a step that makes a case suitable."""
    response = await p.clients[service].post(path, json=_example(p, service, component))
    assert response.status_code < 300, (path, response.text)
    return response.json()


async def _nothing(p: RunningPlatform, case_id: str) -> Prepared:
    return {}


async def _responsibility(p: RunningPlatform, case_id: str) -> Prepared:
    # A transfer moves a responsibility already recorded (2 a kap. 10 § SoL).
    await _posted(p, "social", f"/cases/{case_id}/responsibility", "ResponsibilityIn")
    return {}


async def _commissioned(p: RunningPlatform, case_id: str) -> Prepared:
    # A provider reports, and meets with social services, only once commissioned.
    await _posted(p, "social", f"/cases/{case_id}/commissions", "CommissionIn")
    provider = _example(p, "social", "CommissionIn")["provider_organisation"]
    assert DEMO_CLIENTS[PROVIDER].organisation == provider

    async def known() -> bool:
        where = f"WHERE case_id = '{case_id}' AND provider_organisation = '{provider}'"
        return await count_rows(p.runtime("followup"), "followup_commission", where) == 1

    assert await wait_until(known)
    return {}


async def _scheduled_meeting(p: RunningPlatform, case_id: str) -> Prepared:
    await _commissioned(p, case_id)
    meeting = await _posted(p, "followup", f"/cases/{case_id}/meetings", "MeetingIn")
    return {"meeting_id": meeting["meeting_id"]}


async def _aborted_exit(p: RunningPlatform, case_id: str) -> Prepared:
    # The closing conversation follows an ended exit (PROCESS.md steps 12-13).
    await _posted(p, "followup", f"/cases/{case_id}/exit/abortion", "ExitAbortIn")
    return {}


async def _measure(p: RunningPlatform, case_id: str) -> Prepared:
    measure = await _posted(
        p, "threat", f"/cases/{case_id}/protective-measures", "ProtectiveMeasureIn"
    )
    return {"measure_id": measure["measure_id"]}


async def _team_member(p: RunningPlatform, case_id: str) -> Prepared:
    # Placement is for the named members of the case's team (ACCESS.md).
    await name_to_team(p, case_id, _example(p, "intake", "TeamMemberIn"))
    return {}


async def _assessed_by_the_team(p: RunningPlatform, case_id: str) -> Prepared:
    # Towns are judged against the threat: a placement assessment follows a threat assessment.
    await _team_member(p, case_id)
    await _posted(p, "threat", f"/cases/{case_id}/threat-assessments", "ThreatAssessmentIn")
    return {}


async def _police_conditions(p: RunningPlatform, case_id: str) -> Prepared:
    # The conditions of a police case: a threat, and social services' decision known to police.
    await p.clients["threat"].post(f"/cases/{case_id}/threat-assessments", json=assessment())
    await consent_to_decision_summary(p, case_id)
    await _posted(p, "social", f"/cases/{case_id}/aid-decisions", "AidDecisionIn")

    async def police_know() -> bool:
        where = f"WHERE case_id = '{case_id}'"
        return await count_rows(p.runtime("threat"), "threat_interventions_decision", where) == 1

    assert await wait_until(police_know)
    return {}


async def _police_case(p: RunningPlatform, case_id: str) -> Prepared:
    await _police_conditions(p, case_id)
    await _posted(p, "threat", f"/cases/{case_id}/police-case", "PoliceCaseIn")
    return {}


async def _task(p: RunningPlatform, case_id: str) -> Prepared:
    # The provider report's example tells of a serious incident: social services get
    # a task to assess it (PROCESS.md: relapse and incidents are followed up).
    await _commissioned(p, case_id)
    reported = await p.clients["followup"].post(
        f"/cases/{case_id}/provider-reports",
        json=_example(p, "followup", "ProviderReportIn"),
        headers=p.auth(PROVIDER),
    )
    assert reported.status_code == 201, reported.text
    tasks: list[Any] = []

    async def listed() -> bool:
        tasks[:] = (await p.clients["social"].get(f"/tasks?case_id={case_id}")).json()
        return bool(tasks)

    assert await wait_until(listed)
    return {"task_id": tasks[0]["task_id"]}


async def _consent(p: RunningPlatform, case_id: str) -> Prepared:
    consent = await _posted(p, "intake", f"/cases/{case_id}/consents", "ConsentCreate")
    return {"consent_id": consent["consent_id"]}


async def _break_glass(p: RunningPlatform, case_id: str) -> Prepared:
    granted = await _posted(p, "intake", f"/cases/{case_id}/break-glass", "BreakGlassIn")
    return {"grant_id": granted["grant_id"]}


#: What a fresh case needs before an example can be posted on it, and who posts it
#: (None: the service's own default caller).
SUITABLE: dict[str, tuple[Preparation, str | None]] = {
    "/cases/{case_id}/responsibility/transfers": (_responsibility, None),
    "/cases/{case_id}/provider-reports": (_commissioned, PROVIDER),
    "/cases/{case_id}/meetings": (_commissioned, None),
    "/cases/{case_id}/meetings/{meeting_id}/held": (_scheduled_meeting, None),
    "/cases/{case_id}/exit/closing": (_aborted_exit, None),
    "/cases/{case_id}/protective-measures/{measure_id}/status": (_measure, None),
    "/cases/{case_id}/placement-assessments": (_assessed_by_the_team, None),
    "/cases/{case_id}/placement": (_team_member, None),
    "/cases/{case_id}/police-case": (_police_conditions, None),
    "/cases/{case_id}/police-case/abort": (_police_case, None),
    "/cases/{case_id}/police-case/completion": (_police_case, None),
    "/tasks/{task_id}/completion": (_task, None),
    "/cases/{case_id}/consents/{consent_id}/withdrawal": (_consent, None),
    # Reviewed by a second person of the requester's own authority (four eyes).
    "/cases/{case_id}/break-glass/{grant_id}/rejection": (_break_glass, "social-malmo-2"),
}


async def _fresh_case(p: RunningPlatform) -> str:
    """A case received today, known to every service that keeps one."""
    case_id = str((await p.submit(application_body())).json()["case_id"])
    for service, path in (
        ("threat", f"/cases/{case_id}/threat-assessment-task"),
        ("social", f"/cases/{case_id}/investigation"),
        ("followup", f"/cases/{case_id}/phases"),
    ):
        assert (await p.eventually(service, path)).status_code == 200, (service, path)
    return case_id


@pytest.mark.parametrize(
    ("service", "path", "component"),
    [
        (service, path, component)
        for service in POSTED_SERVICES
        for path, component in _request_bodies(service)
    ],
)
async def test_every_request_example_posted_as_is_on_a_fresh_suitable_case_is_accepted(
    embedded_platform: RunningPlatform, service: str, path: str, component: str
) -> None:
    p = embedded_platform
    example = _example(p, service, component)
    case_id = await _fresh_case(p)
    prepare, caller = SUITABLE.get(path, (_nothing, None))
    parameters = {"case_id": case_id, **await prepare(p, case_id)}
    headers = p.auth(caller) if caller is not None else {}
    response = await p.clients[service].post(
        path.format(**parameters), json=example, headers=headers
    )
    assert response.status_code < 300, response.text


def test_a_service_running_past_midnight_serves_examples_dated_from_the_new_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import date

    from avhopp_shared.web import dated_examples, openapi_document

    app = followup_app.create_app(FollowupSettings())
    days = iter([date(2029, 1, 10), date(2031, 6, 15)])
    for _ in range(2):
        day = next(days)
        for module in (dated_examples, openapi_document):
            monkeypatch.setattr(module, "today_in_sweden", lambda day=day: day)
        body = json.dumps(app.openapi())
        # The examples of the day the document is asked for, never those of the
        # day the service started.
        assert day.isoformat() in body
    assert "2029-01-10" not in body
