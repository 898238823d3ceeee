"""The social-services OpenAPI document: every request body and answer shows a valid example.

Integrators generate clients from this document, so an example must be one the
API itself accepts (or could answer with): a refused example teaches a request
that ends in 422.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterator
from functools import cache
from types import NoneType
from typing import Any

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

from avhopp_followup import app as followup_app
from avhopp_followup.settings import FollowupSettings
from avhopp_shared.access.catalogue import nested_model
from avhopp_shared.service_app import ServiceDefinition
from avhopp_shared.web.disclosure import DISCLOSED_FROM
from avhopp_social import app as social_app
from avhopp_social.settings import SocialSettings
from tests.fixtures.models import models_in

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
