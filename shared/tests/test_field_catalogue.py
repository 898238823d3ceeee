"""Every field of every public model and event payload has a category (ACCESS.md)."""

from __future__ import annotations

import importlib
import typing
from collections.abc import Iterator
from pathlib import Path

from fastapi.routing import APIRoute
from pydantic import BaseModel, computed_field

from avhopp_shared.access.catalogue import Catalogue, nested_model, platform_catalogue
from avhopp_shared.events.registry import EVENT_TYPES
from avhopp_shared.platform import SERVICES
from avhopp_shared.web.disclosure import DISCLOSED_FROM
from tests.fixtures.platform import platform_settings

# Platform plumbing that never carries anything about a person or a case.
NOT_CASE_DATA = {"Problem", "InvalidParam", "Liveness", "Readiness"}


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    model = nested_model(annotation)
    if model is not None:
        yield DISCLOSED_FROM.get(model, model)
    for argument in typing.get_args(annotation):
        yield from _models_in(argument)


def public_models(tmp_path: Path) -> set[type[BaseModel]]:
    settings = platform_settings("embedded", var_dir=tmp_path)
    found: set[type[BaseModel]] = set(EVENT_TYPES.values())
    for name in SERVICES:
        definition = importlib.import_module(f"avhopp_{name}.app").definition(settings[name])
        for router in definition.routers:
            for route in router.routes:
                if not isinstance(route, APIRoute):
                    continue
                found.update(_models_in(route.response_model))
                if route.body_field is not None:
                    found.update(_models_in(route.body_field.field_info.annotation))
    return {m for m in found if m.__name__ not in NOT_CASE_DATA}


def test_every_field_of_every_public_model_and_event_has_a_category(tmp_path: Path) -> None:
    catalogue = platform_catalogue()
    models = public_models(tmp_path)
    assert {"CasePublic", "ConsentPublic", "ApplicationReceived"} <= {m.__name__ for m in models}

    unclassified = sorted(name for model in models for name in catalogue.unclassified(model))

    assert unclassified == []


def _with_nested(models: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found = set(models)
    for model in models:
        for info in model.model_fields.values():
            inner = nested_model(info.annotation)
            if inner is not None and inner not in found:
                found |= _with_nested({inner})
    return found


def test_public_model_names_are_unique_so_the_catalogue_is_unambiguous(tmp_path: Path) -> None:
    # Nested models too: the catalogue knows every model by its name alone.
    names = [model.__name__ for model in _with_nested(public_models(tmp_path))]
    assert len(names) == len(set(names))


def test_event_payloads_are_flat_so_the_event_gate_can_omit_whole_fields() -> None:
    nested = [
        f"{model.__name__}.{name}"
        for model in EVENT_TYPES.values()
        for name, info in model.model_fields.items()
        if nested_model(info.annotation) is not None
    ]
    # Consent events carry recipients as objects, and a legal basis its recipient and
    # recorder; they pass the gate as they are.
    assert sorted(nested) == [
        "ConsentGranted.recipients",
        "LegalBasisRecorded.granted_by",
        "LegalBasisRecorded.recipient",
    ]


def test_a_model_classified_item_by_item_shows_each_item_whole_or_not_at_all() -> None:
    class Entry(BaseModel):
        category: str
        summary: str

    class Log(BaseModel):
        case_id: str
        entries: list[Entry]

    catalogue = Catalogue({"Log": {"case_id": "case_ref"}, "Entry": {"$category": "category"}})
    data = {
        "case_id": "c-1",
        "entries": [
            {"category": "threat", "summary": "Threat level high"},
            {"category": "case_ref", "summary": "Phase: acute"},
            {"category": "no such category", "summary": "never shown"},
        ],
    }

    assert catalogue.categories_in(Log, data) == {"case_ref", "threat"}
    assert catalogue.keep(Log, data, {"case_ref"}) == {
        "case_id": "c-1",
        "entries": [{"category": "case_ref", "summary": "Phase: acute"}],
    }
    assert list(catalogue.unclassified(Log)) == []


def test_a_computed_field_is_classified_and_filtered_like_any_other() -> None:
    class Person(BaseModel):
        given_name: str
        family_name: str

        @computed_field  # type: ignore[prop-decorator]
        @property
        def full_name(self) -> str:
            return f"{self.given_name} {self.family_name}"

    class Case(BaseModel):
        case_id: str
        person: Person

    catalogue = Catalogue(
        {
            "Case": {"case_id": "case_ref"},
            "Person": {"given_name": "identity", "family_name": "identity", "full_name": "health"},
        }
    )
    data = Case(case_id="c-1", person=Person(given_name="A", family_name="B")).model_dump()

    assert data["person"]["full_name"] == "A B"
    assert catalogue.categories_in(Case, data) == {"case_ref", "identity", "health"}
    assert catalogue.keep(Case, data, {"case_ref", "identity"}) == {
        "case_id": "c-1",
        "person": {"given_name": "A", "family_name": "B"},
    }
    assert catalogue.keep(Case, data, {"case_ref", "health"}) == {
        "case_id": "c-1",
        "person": {"full_name": "A B"},
    }
