"""The OpenAPI document as integrators' client generators read it.

FastAPI's document says three things the API does not do, and a generated
client would believe them:

- A problem answer's schema sits under ``application/json``, a media type
  the API never answers with; it belongs under ``application/problem+json``.
- An optional header or query parameter (``Purpose | None``) is documented as
  ``anyOf [X, null]``: a generator then offers ``null`` and sends the text
  "null", which is refused. Leaving the parameter out is how "none" is said.
- An operation with a body does not list 400 (a body that cannot be parsed)
  or 413 (a body above ``max_body_bytes``), which every such operation can
  answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import FastAPI

from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_shared.web.problems import PROBLEM_JSON

_PROBLEM_REF = "#/components/schemas/Problem"
_BODY_ANSWERS = {"400": "Bad Request", "413": "Content Too Large"}
_METHODS = ("get", "put", "post", "delete", "patch")


def install_openapi_document(app: FastAPI) -> None:
    """Serves FastAPI's document with the three corrections above, made once a day.

    Its request examples are dated from the Swedish day it is built on
    (``dated_examples``): a service running for days would otherwise serve
    examples the API has come to refuse (a phase dated before the application an
    integrator has just opened).
    """
    generate: Callable[[], dict[str, Any]] = app.openapi
    built_on: list[date] = []

    def document() -> dict[str, Any]:
        today = today_in_sweden()
        if app.openapi_schema is None or built_on != [today]:
            app.openapi_schema = None  # FastAPI's own generator returns what it kept
            app.openapi_schema = corrected(generate())
            built_on[:] = [today]
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]


def corrected(document: dict[str, Any]) -> dict[str, Any]:
    for operations in document.get("paths", {}).values():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            for parameter in operation.get("parameters", []):
                if not parameter.get("required", False):
                    parameter["schema"] = _without_null(parameter.get("schema", {}))
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for status, description in _BODY_ANSWERS.items():
                    responses.setdefault(status, _problem_answer(description))
            for answer in responses.values():
                _problem_schema_where_it_is_answered(answer)
    return document


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    choices = schema.get("anyOf")
    if not isinstance(choices, list):
        return schema
    kept = [choice for choice in choices if choice != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(choices):
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**kept[0], **rest}


def _problem_answer(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": _PROBLEM_REF}}},
    }


def _problem_schema_where_it_is_answered(answer: dict[str, Any]) -> None:
    content = answer.get("content")
    if not isinstance(content, dict) or PROBLEM_JSON not in content:
        return
    plain = content.get("application/json", {})
    if plain.get("schema") == {"$ref": _PROBLEM_REF}:
        del content["application/json"]
        content[PROBLEM_JSON] = {**content[PROBLEM_JSON], "schema": {"$ref": _PROBLEM_REF}}
