"""The published contract (shared/schemas) read as integrators read it: each document
on its own, its references resolved within it, the platform's records checked
against it.

The checks use a small JSON Schema (2020-12) reader of the keywords these
documents use; an unknown keyword fails the test rather than pass unchecked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.consent_events import ConsentGranted
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.export import contract_files

#: Keywords that only annotate (or that these checks need not enforce: formats).
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "format", "$defs", "deprecated"}
)


def _resolve(document: dict[str, Any], reference: str) -> Any:
    """The node a local JSON Pointer reference ("#/a/b") names in ``document``."""
    assert reference.startswith("#"), f"not a local reference: {reference}"
    node: Any = document
    for part in filter(None, reference[1:].split("/")):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise LookupError(f"{reference} points nowhere in the document")
        node = node[part]
    return node


def _references(node: Any, at: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield at, value
            else:
                yield from _references(value, f"{at}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, f"{at}/{index}")


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def errors(document: dict[str, Any], schema: Any, value: Any, at: str = "") -> list[str]:
    """Where ``value`` breaks ``schema`` (a node of ``document``); empty when it does not."""
    if schema is True:
        return []
    found: list[str] = []
    for keyword, expected in schema.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "$ref":
            found += errors(document, _resolve(document, expected), value, at)
        elif keyword == "type":
            names = expected if isinstance(expected, list) else [expected]
            if not any(_is_type(value, name) for name in names):
                found.append(f"{at}: not {expected}")
        elif keyword == "enum":
            if value not in expected:
                found.append(f"{at}: not one of {expected}")
        elif keyword == "const":
            if value != expected:
                found.append(f"{at}: not {expected!r}")
        elif keyword == "pattern":
            if isinstance(value, str) and not re.search(expected, value):
                found.append(f"{at}: does not match {expected}")
        elif keyword in ("minimum", "minItems", "maxItems", "minLength", "maxLength"):
            size = value if keyword == "minimum" else len(value) if hasattr(value, "__len__") else 0
            if keyword.startswith("min") and size < expected:
                found.append(f"{at}: below {keyword} {expected}")
            if keyword.startswith("max") and size > expected:
                found.append(f"{at}: above {keyword} {expected}")
        elif keyword == "uniqueItems":
            if isinstance(value, list) and len({json.dumps(v) for v in value}) < len(value):
                found.append(f"{at}: items repeat")
        elif keyword == "required":
            if isinstance(value, dict):
                found += [f"{at}/{name}: required" for name in expected if name not in value]
        elif keyword == "properties":
            if isinstance(value, dict):
                for name, inner in expected.items():
                    if name in value:
                        found += errors(document, inner, value[name], f"{at}/{name}")
        elif keyword == "additionalProperties":
            if isinstance(value, dict):
                listed = schema.get("properties", {})
                for name in value.keys() - listed.keys():
                    if expected is False:
                        found.append(f"{at}/{name}: not allowed")
                    elif isinstance(expected, dict):
                        found += errors(document, expected, value[name], f"{at}/{name}")
        elif keyword == "items":
            if isinstance(value, list):
                for index, item in enumerate(value):
                    found += errors(document, expected, item, f"{at}/{index}")
        elif keyword == "anyOf":
            if all(errors(document, option, value, at) for option in expected):
                found.append(f"{at}: matches none of anyOf")
        elif keyword == "allOf":
            for part in expected:
                found += errors(document, part, value, at)
        else:
            raise AssertionError(f"{at}: the check does not know the keyword {keyword}")
    return found


def _asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(contract_files()["asyncapi.json"])
    return document


def _per_type(event_type: str, version: int = 1) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        contract_files()[f"events/{event_type}.v{version}.schema.json"]
    )
    return schema


def _received() -> ApplicationReceived:
    return ApplicationReceived(
        case_id="c-1",
        received_at=datetime(2026, 11, 26, 10, tzinfo=UTC),
        channel="phone",
        referral_source="self",
        applied_for=["protected_housing"],
        out_of_hours=False,
        municipality="1280",
        applicant_under_18=False,
    )


def _copies(payload: ApplicationReceived | ConsentGranted) -> dict[str, dict[str, Any]]:
    """Each agency's record value of ``payload``, published by social services."""
    whole = EventEnvelope(
        source="/avhopp/intake",
        type=payload.event_type,
        subject=payload.case_id,
        schema_version=payload.schema_version,
        acting_agency="social",
        data=payload.model_dump(mode="json"),
    )
    return {
        copy.audience: json.loads(copy.of(whole).to_json_bytes())
        for copy in platform_audiences().copies(payload, whole.data, "social")
    }


def test_every_reference_in_the_asyncapi_document_resolves_within_it() -> None:
    # AsyncAPI 3.0, Reference Object: a local reference points into the document
    # it is in, whose root has channels and components, no $defs.
    document = _asyncapi()
    dangling = []
    for at, reference in _references(document):
        try:
            _resolve(document, reference)
        except LookupError:
            dangling.append((at, reference))
    assert dangling == []


def test_every_reference_in_each_per_type_schema_resolves_within_it() -> None:
    for relative, content in contract_files().items():
        if relative.startswith("events/"):
            schema = json.loads(content)
            for _, reference in _references(schema):
                _resolve(schema, reference)


def test_a_consent_record_validates_against_its_asyncapi_message_payload() -> None:
    # What a subscriber's generated validator does: each agency's record value
    # against its channel's message payload, resolved within the document.
    consent = ConsentGranted.model_validate(
        {
            "case_id": "c-1",
            "consent_id": "k-1",
            "recipients": [{"agency": "police", "organisation": None}],
            "categories": ["case_ref", "identity"],
            "purposes": ["protection"],
            "valid_from": "2026-11-27T05:28:07.544592Z",
            "valid_to": None,
        }
    )
    document = _asyncapi()
    for audience, record in _copies(consent).items():
        channel = document["channels"][f"avhopp.for-{audience}.case"]
        [message] = [
            _resolve(document, m["$ref"])
            for m in channel["messages"].values()
            if _resolve(document, m["$ref"])["name"] == consent.event_type
        ]
        assert errors(document, message["payload"], record) == [], audience


def test_the_asyncapi_envelope_requires_what_cloudevents_requires_and_the_platform_writes() -> None:
    # CloudEvents 1.0: id, source, specversion and type are REQUIRED; the
    # platform always writes time, subject and datacontenttype too.
    envelope = _asyncapi()["components"]["schemas"]["envelope"]
    required = {"id", "source", "specversion", "type", "time", "subject", "datacontenttype"}
    assert required <= set(envelope["required"])
    assert envelope["properties"]["id"]["format"] == "uuid"
    for extension in ("withheld", "schemaversion", "actingagency"):
        assert envelope["properties"][extension].get("description"), extension


def test_every_agencys_copy_of_an_application_validates_against_its_per_type_schema() -> None:
    # README, "Events": the contract is "JSON Schema per payload"; police's copy
    # leaves out the fields of the application category (withheld) and is
    # every record of this type that police's subscribers get.
    schema = _per_type("case.application_received")
    copies = _copies(_received())
    assert copies["police"]["withheld"] == "application"
    for audience, record in copies.items():
        assert errors(schema, schema, record["data"]) == [], audience
    # and a copy is still checked: what is left is held to its schema
    bad = copies["police"]["data"] | {"municipality": "stockholm"}
    assert errors(schema, schema, bad) != []


def test_each_per_type_schema_says_that_a_withheld_category_is_left_out_never_nulled() -> None:
    for relative, content in contract_files().items():
        if relative.startswith("events/"):
            description = json.loads(content)["description"]
            assert "withheld" in description and "never nulled" in description, relative
    # and names the categories another agency's copy may lack
    application = _per_type("case.application_received")["description"]
    named = re.search(r"may lack the fields of ([a-z_, ]+):", application)
    assert named is not None and named.group(1) == "application"
