from __future__ import annotations

from datetime import UTC, datetime, timedelta

from avhopp_social.domain.investigation import DeadlineRule, InvestigationStatus, open_investigation
from tests.fixtures.events import application_received

FRIDAY_AFTERNOON = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # 16:00 in Stockholm


def test_the_deadline_counts_calendar_time_from_receipt_by_default() -> None:
    rule = DeadlineRule(within=timedelta(days=1))
    assert rule.deadline_for(FRIDAY_AFTERNOON) == FRIDAY_AFTERNOON + timedelta(days=1)


def test_a_working_day_rule_skips_the_swedish_weekend() -> None:
    rule = DeadlineRule(within=timedelta(days=1), skip_weekends=True)
    # Friday 16:00 + one working day lands on Monday 16:00 Stockholm time.
    assert rule.deadline_for(FRIDAY_AFTERNOON) == datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def test_an_opened_investigation_is_overdue_only_after_its_deadline() -> None:
    application = application_received(received_at=FRIDAY_AFTERNOON)
    investigation = open_investigation(
        application, DeadlineRule(timedelta(hours=8)), FRIDAY_AFTERNOON
    )

    assert investigation.status is InvestigationStatus.AWAITING_START
    assert investigation.legal_basis == "11 kap. 1 § SoL"
    assert not investigation.is_overdue(FRIDAY_AFTERNOON + timedelta(hours=8))
    assert investigation.is_overdue(FRIDAY_AFTERNOON + timedelta(hours=8, seconds=1))
