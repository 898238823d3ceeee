"""Every category a service can receive from another agency under a consent has a purger
(ACCESS.md, "Consent records": subscribers that already hold data are told to purge it),
and a service whose purgers would remove its own agency's records does not start.

What a service can receive is read from the code and the policy data, not from a list
kept by hand: the events it consumes or observes, the agencies that publish each
(``events.export.publishers_of``, held to the services' sources by
tests/test_compose_stack.py), the categories of each event's fields
(policies/data/catalogue.json), and the receiving agency's cell for each category
(policies/data/matrix.json).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.event_gate import OWNER_NOTICE_TYPES, service_caller
from avhopp_shared.access.purge import (
    Purger,
    PurgerForOwnRecords,
    nothing_kept,
    withdrawal_handler,
)
from avhopp_shared.bus.inprocess import InProcessBus
from avhopp_shared.events.export import publishers_of
from avhopp_shared.events.registry import EVENT_TYPES
from avhopp_shared.policy.bundle import default_policies_dir
from avhopp_shared.service_app import ServiceDefinition, service_runtime
from tests.fixtures.platform import embedded_definitions

#: The cells a consent opens: what arrives through them, a withdrawal must reach.
#: (``team`` is a named need-to-know team, not a consent; ``own`` is never received.)
CONSENT_CELLS = frozenset({"consent", "own_or_consent", "decided"})


def _received_under_consent(
    definitions: dict[str, ServiceDefinition],
) -> dict[str, dict[str, set[str]]]:
    """Service → category it can receive under a consent → the agencies it comes from."""
    matrix = json.loads((default_policies_dir() / "data" / "matrix.json").read_text())["matrix"]
    catalogue = platform_catalogue()
    found: dict[str, dict[str, set[str]]] = {}
    for name, definition in definitions.items():
        agency = definition.owner_agency
        received = found.setdefault(name, {})
        # What the service's own handlers keep. The access state every consumer keeps
        # (consents, teams, grants, the threat level the policy narrows by) is not among
        # them and is never purged; an observer of an access event keeps more (follow-up
        # notes police's threat level on its timeline), so it counts.
        for event_type in {*definition.consumes, *definition.observes}:
            if event_type in OWNER_NOTICE_TYPES:
                # A notice to the case owner about its own case is kept whatever
                # consent there is (access.event_gate): nothing received under one.
                continue
            for sender in publishers_of(event_type) - {agency}:
                # (Between services of one agency: the agency's own records.)
                model = EVENT_TYPES[event_type]
                for field in model.model_fields:
                    category = catalogue.category_of(model, field)
                    assert category is not None, f"{model.__name__}.{field} has no category"
                    if matrix[category][agency] in CONSENT_CELLS:
                        received.setdefault(category, set()).add(sender)
    return found


def test_every_category_a_service_receives_under_a_consent_has_a_purger_for_its_sender(
    tmp_path: Path,
) -> None:
    definitions = embedded_definitions(tmp_path)
    received = _received_under_consent(definitions)
    # The walk finds what the platform is known to exchange (else it proves nothing).
    assert received["threat"]["decision_summary"] == {"social"}
    assert received["social"]["followup"] == {"police"}
    assert received["followup"]["threat"] == {"police"}

    missing = {
        (name, category)
        for name, categories in received.items()
        for category in categories
        if category not in definitions[name].purgers
    }
    wrong_sender = {
        (name, category, definitions[name].purgers[category].source)
        for name, categories in received.items()
        for category, senders in categories.items()
        if category in definitions[name].purgers
        and {definitions[name].purgers[category].source} != senders
    }

    assert missing == set()
    assert wrong_sender == set()


def test_no_service_registers_a_purger_for_its_own_agency_records(tmp_path: Path) -> None:
    own = {
        (name, category)
        for name, definition in embedded_definitions(tmp_path).items()
        for category, purger in definition.purgers.items()
        if purger.source == definition.owner_agency
    }
    assert own == set()


async def test_a_service_whose_purger_would_remove_its_own_agency_records_does_not_start(
    tmp_path: Path,
) -> None:
    threat = embedded_definitions(tmp_path)["threat"]
    # Police's threat assessments are police's own (ACCESS.md, "own"): never purged.
    wrong = replace(threat, purgers={"threat": Purger("police", nothing_kept)})

    with pytest.raises(PurgerForOwnRecords):
        async with service_runtime(wrong, InProcessBus()):
            pass


def test_a_purger_for_no_category_or_from_no_agency_is_refused() -> None:
    police = service_caller("threat", "police")
    gate = object()  # never reached: the purgers are refused first

    with pytest.raises(ValueError, match="gossip"):
        withdrawal_handler(gate, police, {"gossip": Purger("social", nothing_kept)})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="neighbours"):
        Purger("neighbours", nothing_kept)
