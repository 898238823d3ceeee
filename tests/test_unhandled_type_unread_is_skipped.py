"""Another agency's event of a type this service does nothing with, that it cannot read
(a newer schema version), is skipped unread, as README ("Events") says of a type a
consumer does not handle: set aside, it would be a dead letter no replay ever clears."""

from __future__ import annotations

from datetime import timedelta

from avhopp_shared.events.social_events import ActionPlanUpdated
from avhopp_shared.municipal_responsibility import today_in_sweden
from tests.fixtures.database import count_rows
from tests.fixtures.events import envelope_of
from tests.fixtures.platform import RunningPlatform
from tests.test_threat_assessments import known_case


async def test_a_known_type_the_threat_service_does_not_handle_is_skipped_not_set_aside(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    threat = p.runtime("threat")
    assert threat.consumer is not None
    case_id = await known_case(p)
    plan = ActionPlanUpdated(
        case_id=case_id, version=1, review_on=today_in_sweden() + timedelta(days=30)
    )
    newer = envelope_of(plan, case_id, source="/avhopp/social").model_copy(
        update={"schema_version": ActionPlanUpdated.schema_version + 1}
    )

    await threat.consumer(newer)

    assert await count_rows(threat, "inbox_dead_letter", f"WHERE event_id = '{newer.id}'") == 0
    report = await threat.consumer.replay_dead_letters()
    assert newer.id not in report.failed
