"""Dates and times in request bodies are ISO 8601 text, as the documents say, and nothing else.

Left to itself, pydantic reads 0 or "1700000000" as seconds since 1970: a
consent that ends in 1970, an application received in 1970. Every date and
date-time field of every request body of the four services refuses them.
"""

from __future__ import annotations

import random
import typing
from datetime import date, datetime
from typing import Annotated, Any

import pytest
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError

from avhopp_followup.app import definition as followup
from avhopp_intake.app import definition as intake
from avhopp_social.app import definition as social
from avhopp_threat.app import definition as threat
from tests.fixtures.models import models_in
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform

NOT_ISO = [0, 1.5, "0", "1700000000", "yesterday"]


def _kinds(annotation: Any) -> set[Any]:
    """The date and datetime types inside an annotation (through unions and Annotated)."""
    found = {annotation} & {date, datetime}
    for argument in typing.get_args(annotation):
        found |= _kinds(argument)
    return found


def _date_fields() -> dict[str, tuple[TypeAdapter[Any], Any]]:
    fields: dict[str, tuple[TypeAdapter[Any], Any]] = {}
    for definition in (intake(), threat(), social(), followup()):
        for router in definition.routers:
            for route in router.routes:
                if not isinstance(route, APIRoute) or route.body_field is None:
                    continue
                for model in models_in(route.body_field.field_info.annotation):
                    for name, info in model.model_fields.items():
                        kinds = _kinds(info.annotation)
                        if not kinds:
                            continue
                        annotation: Any = info.annotation
                        typed: Any = (
                            Annotated[annotation, *info.metadata] if info.metadata else annotation
                        )
                        fields[f"{model.__name__}.{name}"] = (TypeAdapter(typed), kinds.pop())
    return fields


DATE_FIELDS = _date_fields()


def test_the_request_bodies_have_date_fields_to_check() -> None:
    # The consent's end, the application's arrival, a provider's week: all found.
    assert {
        "ConsentCreate.valid_to",
        "ApplicationCreate.received_at",
        "ProviderReportIn.week_starting",
    } <= set(DATE_FIELDS)


@pytest.mark.parametrize("field", sorted(DATE_FIELDS))
def test_a_date_field_refuses_numbers_and_digits_and_takes_iso_text(field: str) -> None:
    adapter, kind = DATE_FIELDS[field]
    refused = []
    for value in NOT_ISO:
        try:
            adapter.validate_python(value)
        except ValidationError:
            refused.append(value)

    assert refused == NOT_ISO
    iso = "2026-03-01T10:00:00+01:00" if kind is datetime else "2026-03-01"
    assert adapter.validate_python(iso) is not None


async def test_a_consent_sent_with_a_number_for_its_end_is_a_422_naming_that_field(
    embedded_platform: RunningPlatform,
) -> None:
    body = application_body(random.Random(5))
    body["consents"] = [
        {
            "recipients": [{"agency": "police"}],
            "categories": ["case_ref"],
            "purposes": ["protection"],
            "method": "written",
            "document_reference": "Dnr 2026-0001",
            "valid_to": 0,
        }
    ]

    response = await embedded_platform.clients["intake"].post("/applications", json=body)

    assert response.status_code == 422, response.text
    assert [p["name"] for p in response.json()["invalid-params"]] == ["consents.0.valid_to"]
