"""A write is answered as a write. When the gate may show the writer nothing (the case's
access state on hold while an access event waits unread), the change it committed is still
answered, every category withheld (``disclosed_response``: "A write still answers"), never
with the 404 of a case that does not exist: that tells the client nothing happened, while
the change is stored and announced."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from avhopp_shared.events.consent_events import ConsentWithdrawn
from avhopp_shared.events.envelope import utcnow
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_events, count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform
from tests.test_consent_withdrawal_purges import _consent
from tests.test_police_case import answers, consent_to_decision_summary, social_decides
from tests.test_threat_assessments import assessment, known_case

#: A write made on the held case: its path and body, given the case and its measure.
Write = Callable[[str, str], tuple[str, dict[str, Any]]]


async def _opened_with_a_measure(p: RunningPlatform) -> tuple[str, str]:
    threat = p.clients["threat"]
    case_id = await known_case(p)
    await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("high"))
    await consent_to_decision_summary(p, case_id)
    await social_decides(p, case_id)
    opened = await threat.post(f"/cases/{case_id}/police-case", json=answers())
    assert opened.status_code == 201, opened.text
    measure = await threat.post(
        f"/cases/{case_id}/protective-measures",
        json={"kind": "skyddad_folkbokforing", "started_on": today_in_sweden().isoformat()},
    )
    assert measure.status_code == 201, measure.text
    return case_id, str(measure.json()["measure_id"])


async def _held(p: RunningPlatform, case_id: str) -> None:
    """A withdrawal published by an already upgraded intake: police's service sets it
    aside unread, and the case's access state is unknown there until it is replayed."""
    runtime = p.runtime("threat")
    consent_id = await _consent(p, case_id, "police", "case_ref", "followup")
    withdrawn = envelope_of(
        ConsentWithdrawn(case_id=case_id, consent_id=consent_id, withdrawn_at=utcnow()), case_id
    )
    newer = withdrawn.model_copy(update={"schema_version": ConsentWithdrawn.schema_version + 1})
    assert runtime.consumer is not None
    await runtime.consumer(newer)
    assert await count_rows(runtime, "access_state_hold", f"WHERE case_id = '{case_id}'") == 1


async def _stored(p: RunningPlatform, table: str, where: str) -> int:
    return await count_rows(p.runtime("threat"), table, where)


WRITES: dict[str, tuple[Write, Callable[[RunningPlatform, str], Awaitable[bool]]]] = {
    "abort": (
        lambda case_id, _: (
            f"/cases/{case_id}/police-case/abort",
            {"reason": "Conditions no longer met"},
        ),
        lambda p, case_id: _announced(p, case_id, "threat.police_case_aborted"),
    ),
    "completion": (
        lambda case_id, _: (
            f"/cases/{case_id}/police-case/completion",
            {"plan_carried_out": True},
        ),
        lambda p, case_id: _has(
            p, "threat_police_case", f"case_id = '{case_id}' AND status = 'completed'"
        ),
    ),
    "measure status": (
        lambda case_id, measure_id: (
            f"/cases/{case_id}/protective-measures/{measure_id}/status",
            {"status": "granted", "on": today_in_sweden().isoformat()},
        ),
        lambda p, case_id: _has(
            p, "threat_protective_measure", f"case_id = '{case_id}' AND status = 'granted'"
        ),
    ),
}


async def _announced(p: RunningPlatform, case_id: str, event_type: str) -> bool:
    where = f"WHERE event_type = '{event_type}' AND key = '{case_id}'"
    return await count_events(p.runtime("threat"), where) > 0


async def _has(p: RunningPlatform, table: str, where: str) -> bool:
    return await _stored(p, table, f"WHERE {where}") == 1


@pytest.mark.parametrize("write", list(WRITES))
async def test_a_write_made_while_the_case_is_on_hold_is_answered_with_everything_withheld(
    embedded_platform: RunningPlatform, write: str
) -> None:
    p = embedded_platform
    case_id, measure_id = await _opened_with_a_measure(p)
    await _held(p, case_id)
    request, made = WRITES[write]
    path, body = request(case_id, measure_id)

    answered = await p.clients["threat"].post(path, json=body)

    assert await made(p, case_id)
    assert answered.status_code == 200, answered.text
    assert answered.json()["withheld"], answered.json()
