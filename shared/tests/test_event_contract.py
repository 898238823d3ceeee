from __future__ import annotations

import json
from pathlib import Path

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
