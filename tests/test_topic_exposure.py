"""No agency's services receive, on the bus, what the policy never lets them see.

Kafka grants a consumer group whole topics, never single event types or fields:
every service subscribed to a topic receives every record on it. So each
event goes out once per receiving agency, on that agency's own topic, cut by
the publisher to what that agency may ever receive (ARCHITECTURE.md: the owner
filters before data leaves it). These tests hold the three pieces together:
what each service subscribes to (computed from the services' definitions as
``service_app.service_runtime`` subscribes them), what each copy carries (cut
by ``access.event_audiences`` with the platform's policy), and the matrix
(policies/data/matrix.json): nothing here is a list kept by hand.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import text

from avhopp_shared.access.catalogue import nested_model, platform_catalogue
from avhopp_shared.access.categories import Category
from avhopp_shared.access.event_audiences import EventAudiences, platform_audiences
from avhopp_shared.access.event_gate import LEFT_OUT_BY_PUBLISHER
from avhopp_shared.access.responsibility_copy import RESPONSIBILITY_HANDLERS
from avhopp_shared.access.state_handlers import ACCESS_HANDLERS
from avhopp_shared.events.case_events import ApplicationReceived
from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import EventEnvelope
from avhopp_shared.events.export import publishers_of
from avhopp_shared.events.registry import EVENT_TYPES, RENAMED_EVENT_TYPES, parse_payload
from avhopp_shared.events.responsibility_events import ResponsibilityRecorded
from avhopp_shared.events.topics import AUDIENCES, audience_prefix, topic_for
from avhopp_shared.policy import PolicyError
from avhopp_shared.policy.bundle import default_policies_dir
from avhopp_shared.service_app import ServiceDefinition
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, embedded_definitions

#: Never in an event to another agency, whatever its cell: only the case team
#: reads it, through the API, each read audited and alerted.
NEVER_SHARED = frozenset({"protected_location"})
#: Cells that open a category to an agency's services at all; "team" opens only
#: to named persons, "own" and "none" never to another agency.
CELLS_A_SERVICE_CAN_BE_OPENED = frozenset({"consent", "own_or_consent", "decided"})


def _subscribed_topics(definition: ServiceDefinition) -> set[str]:
    """The topics ``service_runtime`` subscribes the service's consumer group to."""
    if not definition.consumes and not definition.observes:
        return set()
    handled = {
        *ACCESS_HANDLERS,
        ConsentWithdrawn.event_type,
        *definition.consumes,
        *definition.observes,
    }
    return {topic_for(event_type, definition.owner_agency) for event_type in handled}


def _every_field(model: type[BaseModel]) -> dict[str, Any]:
    """A dump of ``model`` with every field present, nested lists as one item and
    a grant over every category: what a copy keeps of it is what it can ever carry."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        inner = nested_model(info.annotation)
        if inner is not None:
            one = _every_field(inner)
            data[name] = [one] if typing.get_origin(info.annotation) is list else one
        elif name == "categories":
            data[name] = [str(category) for category in Category]
        else:
            data[name] = "x"
    return data


def test_each_service_reads_only_its_own_agencys_topics(tmp_path: Path) -> None:
    definitions = embedded_definitions(tmp_path)
    readers = {name: _subscribed_topics(d) for name, d in definitions.items()}
    # The walk sees the exchanges it guards (else it proves nothing): police read
    # what social services decide, social services the responsibility.
    assert topic_for("social.interventions_decided", "police") in readers["threat"]
    for service in ("intake", "followup"):
        assert topic_for("responsibility.recorded", "social") in readers[service]

    for name, topics in readers.items():
        prefix = audience_prefix(definitions[name].owner_agency)
        assert topics, name
        assert all(topic.startswith(prefix) for topic in topics), (name, topics)


def test_the_agencies_receiving_events_are_those_running_services(tmp_path: Path) -> None:
    assert {d.owner_agency for d in embedded_definitions(tmp_path).values()} == set(AUDIENCES)


def test_no_copy_for_another_agency_carries_a_category_its_services_can_never_be_shown() -> None:
    matrix = json.loads((default_policies_dir() / "data" / "matrix.json").read_text())["matrix"]
    catalogue = platform_catalogue()
    audiences = platform_audiences()
    carried: dict[str, set[str]] = {audience: set() for audience in AUDIENCES}
    for event_type, model in EVENT_TYPES.items():
        data = _every_field(model)
        payload = model.model_construct(**data)
        for publisher in publishers_of(event_type):
            for copy in audiences.copies(payload, data, publisher):
                assert copy.topic == topic_for(event_type, copy.audience)
                if copy.audience == publisher:
                    assert copy.data == data and copy.withheld == ()
                    continue
                categories = {str(c) for c in catalogue.categories_in(model, copy.data)}
                carried[copy.audience] |= categories
                for category in categories:
                    cell = matrix[category][copy.audience]
                    assert cell in CELLS_A_SERVICE_CAN_BE_OPENED, (event_type, category, cell)
                    assert category not in NEVER_SHARED, (event_type, copy.audience)
                everything = {str(c) for c in catalogue.categories_in(model, data)}
                assert set(copy.withheld) == everything - categories, event_type
    # The walk cut what it should (else it proves nothing): police's copy of an
    # application keeps its case reference and leaves out the application itself.
    assert {"case_ref", "identity", "decision_summary"} <= carried["police"]
    assert not {"application", "investigation", "decisions", "action_plan"} & carried["police"]
    assert {"threat", "criminal_history"} <= carried["social"]


def test_police_get_an_application_without_what_was_applied_for_and_social_services_get_it_whole() -> (
    None
):
    payload = ApplicationReceived.model_validate(
        {
            "case_id": "c-1",
            "received_at": "2026-11-26T10:00:00+00:00",
            "channel": "letter",
            "referral_source": "self",
            "applied_for": ["protected_housing"],
            "out_of_hours": False,
            "municipality": "1280",
            "applicant_under_18": False,
        }
    )
    data = payload.model_dump(mode="json")
    copies = {c.audience: c for c in platform_audiences().copies(payload, data, "social")}

    assert copies["social"].data == data
    assert copies["social"].withheld == ()
    police = copies["police"]
    assert police.topic == "avhopp.for-police.case"
    assert "applied_for" not in police.data and "channel" not in police.data
    assert police.data["case_id"] == "c-1"
    assert police.withheld == ("application",)


def _police_copy_of_an_application() -> EventEnvelope:
    """Police's copy of an application as intake writes it: the application left out."""
    return EventEnvelope(
        source="/avhopp/intake",
        type=ApplicationReceived.event_type,
        subject="c-1",
        schema_version=1,
        acting_agency="social",
        withheld="application",
        data={
            "case_id": "c-1",
            "received_at": "2026-11-26T10:00:00+00:00",
            "out_of_hours": True,
            "municipality": "1280",
            "applicant_under_18": True,
        },
    )


def test_a_cut_copy_parses_with_its_withheld_fields_absent_and_a_copy_missing_more_is_refused() -> (
    None
):
    envelope = _police_copy_of_an_application()
    parsed = parse_payload(envelope)
    assert isinstance(parsed, ApplicationReceived)
    assert parsed.case_id == "c-1" and parsed.applicant_under_18 is True
    assert "applied_for" not in parsed.model_fields_set
    with pytest.raises(AttributeError):
        _ = parsed.applied_for

    # A field of a category the copy does not name as withheld: not a copy, a fault.
    missing_identity = envelope.model_copy(
        update={"data": {k: v for k, v in envelope.data.items() if k != "applicant_under_18"}}
    )
    with pytest.raises(ValueError, match="applicant_under_18"):
        parse_payload(missing_identity)
    # What is there is validated as in a whole payload.
    bad_code = envelope.model_copy(update={"data": {**envelope.data, "municipality": "Malmö"}})
    with pytest.raises(ValueError, match="municipality"):
        parse_payload(bad_code)


class _Broken:
    revision = "broken"

    def evaluate(self, rule: str, input: object) -> object:
        raise PolicyError("engine down")


async def test_an_application_is_refused_whole_when_the_policy_cannot_cut_police_s_copy(
    embedded_platform: RunningPlatform,
) -> None:
    runtime = embedded_platform.runtime("intake")
    runtime.audiences = EventAudiences(_Broken(), platform_catalogue())

    response = await embedded_platform.submit(application_body())

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    async with runtime.engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM outbox")) == 0
        assert await connection.scalar(text("SELECT count(*) FROM intake_case")) == 0


def test_an_event_under_an_old_responsibility_name_is_still_read_and_still_moves_the_copy() -> None:
    # Published on avhopp.social before the upgrade and not yet read by intake or
    # follow-up: it must still move their copy of the responsibility.
    for old, new in RENAMED_EVENT_TYPES.items():
        assert RESPONSIBILITY_HANDLERS[old] is RESPONSIBILITY_HANDLERS[new]
        assert old not in EVENT_TYPES  # never published under it again
    envelope = EventEnvelope(
        source="/avhopp/social",
        type="social.responsibility_recorded",
        subject="c-1",
        schema_version=1,
        acting_agency="social",
        data={"case_id": "c-1", "residence": "1280", "stay": "1281"},
    )
    assert parse_payload(envelope) == ResponsibilityRecorded(
        case_id="c-1", residence="1280", stay="1281"
    )


def test_a_cut_copy_with_a_field_its_event_does_not_have_is_refused() -> None:
    copy = _police_copy_of_an_application()
    envelope = copy.model_copy(update={"data": {**copy.data, "home_town": "1281"}})
    with pytest.raises(ValueError, match="home_town"):
        parse_payload(envelope)


async def test_the_audit_of_an_event_delivery_names_what_the_publisher_left_out(
    embedded_platform: RunningPlatform,
) -> None:
    # ACCESS.md, "Audit": every event delivered to another agency records which
    # categories were disclosed and which withheld, wherever they were held back.
    case_id = (await embedded_platform.submit(application_body())).json()["case_id"]
    task = await embedded_platform.eventually("threat", f"/cases/{case_id}/threat-assessment-task")
    assert task.status_code == 200

    async with embedded_platform.runtime("threat").engine.connect() as connection:
        disclosed, withheld = (
            await connection.execute(
                text(
                    "SELECT disclosed, withheld FROM audit_log WHERE channel = 'event' "
                    "AND resource = 'ApplicationReceived' AND case_id = :case"
                ),
                {"case": case_id},
            )
        ).one()

    assert sorted(_json(disclosed)) == ["case_ref", "identity"]
    # The publisher left "application" out of police's copy. The earlier case's id
    # (``previous_case_id``, "application") has a default, which police's parsed
    # copy fills in (None): their own gate then withholds it too, and the audit
    # entry keeps the gate's reason over the publisher's (access.gate). Either
    # way the entry names the category as withheld.
    assert _json(withheld).keys() == {"application"}
    assert _json(withheld)["application"] in {LEFT_OUT_BY_PUBLISHER, "not permitted for police"}


def _json(value: Any) -> Any:
    """A JSON column as SQLite (text) or PostgreSQL (parsed) gives it back."""
    return value if isinstance(value, dict | list) else json.loads(value)
