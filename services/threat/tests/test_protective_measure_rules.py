"""Protective measures: protected personal data is applied for, the rest is put in place."""

from __future__ import annotations

from datetime import date

import pytest

from avhopp_threat.domain.protective_measures import (
    InvalidMeasure,
    MeasureKind,
    MeasureStatus,
    ProtectiveMeasure,
    change_status,
    start_measure,
)

TODAY = date(2026, 11, 20)


def _start(measure_id: str, kind: MeasureKind) -> ProtectiveMeasure:
    return start_measure(
        measure_id=measure_id,
        case_id="c-1",
        kind=kind,
        started_on=date(2026, 11, 1),
        note=None,
        today=TODAY,
    )


def test_protected_personal_data_starts_as_an_application_and_secure_mail_as_active() -> None:
    marking = _start("m-1", MeasureKind.PROTECTED_REGISTRATION)
    mail = _start("m-2", MeasureKind.SECURE_MAIL)

    assert marking.status is MeasureStatus.APPLIED
    assert mail.status is MeasureStatus.ACTIVE


def test_an_application_is_decided_then_ended_with_its_dates() -> None:
    applied = _start("m-1", MeasureKind.FICTITIOUS_IDENTITY)
    granted = change_status(applied, MeasureStatus.GRANTED, date(2026, 11, 10), TODAY)
    ended = change_status(granted, MeasureStatus.ENDED, date(2026, 11, 15), TODAY)

    assert (granted.status, granted.decided_on) == (MeasureStatus.GRANTED, date(2026, 11, 10))
    assert (ended.status, ended.ended_on) == (MeasureStatus.ENDED, date(2026, 11, 15))


def test_a_status_out_of_order_or_a_date_out_of_range_is_refused() -> None:
    mail = _start("m-2", MeasureKind.SECURE_MAIL)
    with pytest.raises(InvalidMeasure) as wrong_step:
        change_status(mail, MeasureStatus.GRANTED, TODAY, TODAY)
    with pytest.raises(InvalidMeasure) as too_early:
        change_status(mail, MeasureStatus.ENDED, date(2026, 10, 1), TODAY)

    assert (wrong_step.value.field, too_early.value.field) == ("status", "on")


def test_a_granted_measure_cannot_end_before_it_was_decided() -> None:
    applied = _start("m-1", MeasureKind.PROTECTED_REGISTRATION)
    granted = change_status(applied, MeasureStatus.GRANTED, date(2026, 11, 10), TODAY)

    with pytest.raises(InvalidMeasure) as before_decision:
        change_status(granted, MeasureStatus.ENDED, date(2026, 11, 9), TODAY)
    ended = change_status(granted, MeasureStatus.ENDED, date(2026, 11, 10), TODAY)

    assert before_decision.value.field == "on"
    assert ended.ended_on == date(2026, 11, 10)
