from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.export import contract_files

SCHEMAS = Path(__file__).parents[1] / "schemas"


def test_the_committed_event_contract_matches_the_code() -> None:
    # Integrators generate clients from shared/schemas; `make schemas` refreshes it.
    for relative, content in contract_files().items():
        committed = SCHEMAS / relative
        assert committed.exists(), f"{relative} missing: run make schemas"
        assert committed.read_text() == content, f"{relative} is stale: run make schemas"


def test_the_envelope_uses_cloudevents_attribute_names() -> None:
    envelope = EventEnvelope(
        source="/avhopp/intake",
        type="case.application_received",
        subject="c-1",
        schema_version=1,
        acting_agency="police",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        data={"case_id": "c-1"},
    )
    wire = json.loads(envelope.to_json_bytes())
    required = {"specversion", "id", "source", "type", "subject", "time", "datacontenttype"}
    assert required <= wire.keys()
    assert wire["specversion"] == "1.0"
    # CloudEvents extension names are lower-case alphanumerics only.
    for name in wire.keys() - required - {"data"}:
        assert name.isalnum() and name.islower(), name
    assert wire["schemaversion"] == 1
    assert wire["actingagency"] == "police"
    assert EventEnvelope.from_json_bytes(envelope.to_json_bytes()) == envelope


def test_a_record_value_is_what_the_asyncapi_message_payload_describes() -> None:
    # A consumer generated from the document reads the Kafka record value as the
    # message payload: in structured mode that is the whole envelope, with police's
    # copy of the data under "data".
    document = json.loads(contract_files()["asyncapi.json"])
    schemas = document["components"]["schemas"]
    message = document["components"]["messages"]["case_application_received_for_police"]
    envelope_part, data_part = message["payload"]["allOf"]
    envelope = schemas[envelope_part["$ref"].rsplit("/", 1)[-1]]
    data = schemas[data_part["properties"]["data"]["$ref"].rsplit("/", 1)[-1]]
    received = ApplicationReceived(
        case_id="c-1",
        received_at=datetime(2026, 11, 26, 10, tzinfo=UTC),
        channel="phone",
        referral_source="self",
        applied_for=["protected_housing"],
        out_of_hours=False,
        municipality="1280",
        applicant_under_18=False,
    )
    whole = EventEnvelope(
        source="avhopp/intake",
        type=received.event_type,
        subject="c-1",
        schema_version=received.schema_version,
        acting_agency="social",
        data=received.model_dump(mode="json"),
    )
    police = next(
        c
        for c in platform_audiences().copies(received, whole.data, "social")
        if c.audience == "police"
    )
    record = json.loads(police.of(whole).to_json_bytes())

    # Structured mode: the attributes travel in the value; the one header is
    # the content-type that says so, never a binary-mode ce_ attribute.
    headers = schemas[message["headers"]["$ref"].rsplit("/", 1)[-1]]
    assert set(headers["properties"]) == {"content-type"}
    assert set(envelope.get("required", [])) <= set(record)
    assert set(record) <= set(envelope["properties"])
    assert set(data.get("required", [])) <= set(record["data"])
    assert set(record["data"]) <= set(data["properties"])
    assert record["withheld"] == "application"
