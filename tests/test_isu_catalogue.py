"""The fixed lists every ISU answer is made of are social services' own."""

from __future__ import annotations

from avhopp_followup.domain.isu_catalogue import INTERVENTIONS, NEEDS
from avhopp_social.domain.aid_decision import AidType
from avhopp_social.domain.needs_mapping import OtherNeed, RbmArea


def test_isu_lists_every_need_a_needs_mapping_can_find_and_every_aid_type_decided_on() -> None:
    assert set(NEEDS) == {str(v) for v in (*RbmArea, *OtherNeed)}
    assert len(NEEDS) == len(set(NEEDS))
    assert set(INTERVENTIONS) == {str(v) for v in AidType}
