"""A family member's own needs open an investigation of their own (004 Del 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from avhopp_social.domain.investigation import DeadlineRule
from avhopp_social.domain.linked_investigation import (
    InvalidLinkedInvestigation,
    Relation,
    open_linked,
)

NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)  # a Friday


def _open(needs: str, rule: DeadlineRule) -> object:
    return open_linked(
        investigation_id="i-1",
        case_id="c-1",
        relation=Relation.PARTNER,
        needs=needs,
        rule=rule,
        opened_by="socialsekreterare-1",
        now=NOW,
    )


def test_it_is_to_be_started_as_soon_as_any_investigation_under_the_local_rule() -> None:
    calendar = open_linked(
        investigation_id="i-1",
        case_id="c-1",
        relation=Relation.SIBLING,
        needs="  Threatened too  ",
        rule=DeadlineRule(timedelta(days=1)),
        opened_by="u",
        now=NOW,
    )
    working = open_linked(
        investigation_id="i-2",
        case_id="c-1",
        relation=Relation.SIBLING,
        needs="Threatened too",
        rule=DeadlineRule(timedelta(days=1), skip_weekends=True),
        opened_by="u",
        now=NOW,
    )

    assert calendar.start_deadline == NOW + timedelta(days=1)
    assert working.start_deadline == NOW + timedelta(days=3)  # over the weekend
    assert calendar.needs == "Threatened too"
    assert calendar.legal_basis == "11 kap. 1 § SoL"


@pytest.mark.parametrize("needs", ["", "   "])
def test_without_the_family_members_own_needs_there_is_nothing_to_investigate(needs: str) -> None:
    with pytest.raises(InvalidLinkedInvestigation) as refused:
        _open(needs, DeadlineRule(timedelta(days=1)))
    assert refused.value.field == "needs"
