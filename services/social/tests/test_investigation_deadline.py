from __future__ import annotations

from datetime import UTC, datetime, timedelta

from avhopp_shared.municipal_responsibility import SWEDISH_TIME
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


def test_a_working_day_from_a_saturday_is_the_whole_of_monday() -> None:
    rule = DeadlineRule(within=timedelta(days=1), skip_weekends=True)
    saturday_noon = datetime(2026, 11, 21, 12, 0, tzinfo=SWEDISH_TIME)

    assert rule.deadline_for(saturday_noon) == datetime(2026, 11, 24, 0, 0, tzinfo=SWEDISH_TIME)


def test_working_time_begins_at_swedish_midnight_not_within_the_hour_after() -> None:
    rule = DeadlineRule(within=timedelta(hours=1), skip_weekends=True)
    sunday_late = datetime(2026, 11, 22, 23, 30, tzinfo=SWEDISH_TIME)

    assert rule.deadline_for(sunday_late) == datetime(2026, 11, 23, 1, 0, tzinfo=SWEDISH_TIME)


def test_working_time_is_counted_to_the_second_across_a_weekend() -> None:
    rule = DeadlineRule(within=timedelta(hours=8, minutes=1, seconds=1), skip_weekends=True)
    friday = datetime(2026, 11, 20, 20, 0, 30, tzinfo=SWEDISH_TIME)  # four hours before the weekend

    assert rule.deadline_for(friday) == datetime(2026, 11, 23, 4, 1, 31, tzinfo=SWEDISH_TIME)


def test_a_working_day_over_the_change_to_summer_time_is_a_day_of_elapsed_time() -> None:
    # Sunday 29 March 2026 has 23 hours in Sweden; it is a weekend day and does not count.
    rule = DeadlineRule(within=timedelta(days=1), skip_weekends=True)
    friday = datetime(2026, 3, 27, 12, 0, tzinfo=SWEDISH_TIME)

    assert rule.deadline_for(friday) == datetime(2026, 3, 30, 12, 0, tzinfo=SWEDISH_TIME)


def test_an_opened_investigation_is_overdue_only_after_its_deadline() -> None:
    application = application_received(received_at=FRIDAY_AFTERNOON)
    investigation = open_investigation(
        application, DeadlineRule(timedelta(hours=8)), FRIDAY_AFTERNOON
    )

    assert investigation.status is InvestigationStatus.AWAITING_START
    assert investigation.legal_basis == "11 kap. 1 § SoL"
    assert not investigation.is_overdue(FRIDAY_AFTERNOON + timedelta(hours=8))
    assert investigation.is_overdue(FRIDAY_AFTERNOON + timedelta(hours=8, seconds=1))
