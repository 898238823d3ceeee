"""A consent's status over its validity window, and the window the domain accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from avhopp_intake.domain.consent import (
    ConsentMethod,
    ConsentRecord,
    ConsentRuleBroken,
    ConsentStatus,
    RecordedBy,
    Withdrawal,
    record_consent,
)
from avhopp_shared.access.categories import Category, Purpose
from avhopp_shared.events.consent_events import Recipient

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
BY = RecordedBy(client_id="social-malmo", agency="social", organisation="malmo", user=None)


def _consent(**overrides: Any) -> ConsentRecord:
    given: dict[str, Any] = {
        "case_id": "case-1",
        "recipients": (Recipient(agency="police"),),
        "categories": (Category.CASE_REF,),
        "purposes": (Purpose.PROTECTION,),
        "valid_from": NOW,
        "valid_to": None,
        "method": ConsentMethod.WRITTEN,
        "document_reference": "Synthetic consent form 1",
        "oral_note": None,
        "recorded_by": BY,
        "recorded_at": NOW,
    }
    return record_consent(**(given | overrides))


def test_a_consent_is_pending_until_valid_from_then_active_until_valid_to() -> None:
    start = NOW + timedelta(days=3)
    consent = _consent(valid_from=start, valid_to=start + timedelta(days=30))

    assert consent.status(NOW) is ConsentStatus.PENDING
    assert consent.status(start - timedelta(microseconds=1)) is ConsentStatus.PENDING
    # valid_from is inclusive, as the disclosure policy reads it.
    assert consent.status(start) is ConsentStatus.ACTIVE
    assert consent.status(start + timedelta(days=30)) is ConsentStatus.EXPIRED


def test_a_pending_consent_that_is_withdrawn_is_reported_withdrawn() -> None:
    consent = _consent(valid_from=NOW + timedelta(days=3))

    withdrawn = consent.withdrawn(Withdrawal(at=NOW, by=BY, reason=None))

    assert withdrawn.status(NOW) is ConsentStatus.WITHDRAWN


@pytest.mark.parametrize("valid_to", [NOW, NOW - timedelta(days=1)])
def test_a_consent_ending_before_it_is_recorded_is_refused_naming_valid_to(
    valid_to: datetime,
) -> None:
    with pytest.raises(ConsentRuleBroken) as refused:
        _consent(valid_from=NOW - timedelta(days=30), valid_to=valid_to)

    assert refused.value.field == "valid_to"
