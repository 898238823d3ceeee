"""A break-glass rejection reaches exactly the agencies its grant reached.

Each service that kept the grant enforces it, so each must hear that it ended; an
agency the grant never reached has nothing to end, and being told of it would
tell who broke the glass on what (access.copy_rules, "Grants of access").
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from avhopp_shared.access.event_audiences import platform_audiences
from avhopp_shared.events.access_events import BreakGlassGranted, BreakGlassRejected
from avhopp_shared.events.case_events import EventPayload

START = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
REJECTED = datetime(2026, 11, 26, 10, 20, tzinfo=UTC)


def _audiences(payload: EventPayload, publisher: str = "social") -> set[str]:
    data = payload.model_dump(mode="json")
    return {c.audience for c in platform_audiences().copies(payload, data, publisher)}


@pytest.mark.parametrize(
    ("agency", "categories"),
    [
        ("police", ["case_ref", "identity"]),
        ("social", ["case_ref", "threat"]),
        ("social", ["case_ref", "identity"]),
        ("provider", ["case_ref", "contact"]),
    ],
)
def test_a_break_glass_rejection_reaches_the_agencies_its_grant_reached(
    agency: str, categories: list[str]
) -> None:
    person = {"agency": agency, "organisation": "org-1", "user": "u-1"}
    granted = BreakGlassGranted.model_validate(
        {
            "case_id": "c-1",
            "grant_id": "g-1",
            **person,
            "categories": categories,
            "valid_from": START,
            "expires_at": REJECTED.replace(hour=12),
            "review_required": True,
        }
    )
    rejected = BreakGlassRejected.model_validate(
        {
            "case_id": "c-1",
            "grant_id": "g-1",
            "agency": agency,
            "categories": categories,
            "rejected_at": REJECTED,
        }
    )

    assert _audiences(rejected) == _audiences(granted)
