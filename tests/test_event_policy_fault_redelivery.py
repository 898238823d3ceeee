"""A policy engine that gives no answer while an event is consumed: the delivery is
refused as a fault of the infrastructure and comes again once the engine answers. It is
never recorded as processed with nothing disclosed, which would lose it for good."""

from __future__ import annotations

import asyncio
import random
import time

from avhopp_shared.policy.engine import PolicyEngine
from tests.fixtures.database import count_rows
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform


class _Down:
    """An engine that fails every question: an OPA outage, a broken bundle."""

    revision = "down"

    def evaluate(self, rule: str, input: object) -> object:
        raise RuntimeError("policy engine down")


class _LateOnce:
    """The working engine, answering one disclosure decision after the gate's deadline."""

    def __init__(self, inner: PolicyEngine) -> None:
        self.inner = inner
        self.late = True

    @property
    def revision(self) -> object:
        return self.inner.revision

    def evaluate(self, rule: str, input: object) -> object:
        if self.late and rule.endswith(".decision"):
            self.late = False
            time.sleep(0.6)  # the gate's deadline is 0.5 s
        return self.inner.evaluate(rule, input)  # type: ignore[arg-type]


async def test_an_application_consumed_while_the_policy_engine_is_down_reaches_police_once_it_answers(
    platform: RunningPlatform,
) -> None:
    threat = platform.runtime("threat")
    working = threat.gate.engine
    threat.gate.engine = _Down()

    response = await platform.submit(application_body(random.Random(21)))
    assert response.status_code == 201, response.text
    case_id = response.json()["case_id"]
    await asyncio.sleep(2.0)
    # Nothing was decided, so nothing took effect, nothing was audited as disclosed,
    # and the event is not marked processed.
    assert (
        await platform.clients["threat"].get(f"/cases/{case_id}/threat-assessment-task")
    ).status_code == 404
    assert await count_rows(threat, "inbox", "WHERE event_type = 'case.application_received'") == 0

    threat.gate.engine = working
    task = await platform.eventually(
        "threat", f"/cases/{case_id}/threat-assessment-task", timeout=45
    )

    assert task.status_code == 200, task.text
    assert await count_rows(threat, "inbox", "WHERE event_type = 'case.application_received'") == 1


async def test_an_application_whose_decision_came_late_once_still_reaches_police(
    embedded_platform: RunningPlatform,
) -> None:
    threat = embedded_platform.runtime("threat")
    engine = threat.gate.engine
    threat.gate.engine = _LateOnce(getattr(engine, "inner", engine))  # type: ignore[assignment]

    response = await embedded_platform.submit(application_body(random.Random(22)))
    case_id = response.json()["case_id"]
    task = await embedded_platform.eventually(
        "threat", f"/cases/{case_id}/threat-assessment-task", timeout=45
    )

    assert task.status_code == 200, "one late policy answer lost the application for good"
