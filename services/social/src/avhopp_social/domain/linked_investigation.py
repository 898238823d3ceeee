"""A family member's own needs, investigated as a matter of its own (PROCESS.md step 3).

004 Del 4: "Om barnet eller den unges familj har egna behov av stödinsatser
kan dessa också behöva utredas." A partner, parent or sibling of the person
may need support of their own (protection too, when the threat reaches
them). That is a separate investigation under 11 kap. 1 § SoL, opened
without delay like the person's own, and linked to the person's case so the
caseworker sees the family together. Everything about it is ``family``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from avhopp_shared.errors import InvalidInput
from avhopp_social.domain.investigation import LEGAL_BASIS, DeadlineRule


class Relation(StrEnum):
    PARTNER = "partner"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER_RELATIVE = "other_relative"


class InvalidLinkedInvestigation(InvalidInput):
    """A linked investigation the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class LinkedInvestigation:
    investigation_id: str
    case_id: str
    relation: Relation
    needs: str
    opened_at: datetime
    start_deadline: datetime
    opened_by: str
    legal_basis: str = LEGAL_BASIS


def open_linked(
    *,
    investigation_id: str,
    case_id: str,
    relation: Relation,
    needs: str,
    rule: DeadlineRule,
    opened_by: str,
    now: datetime,
) -> LinkedInvestigation:
    """Opened now, to be started within the same "without delay" as any investigation."""
    text = needs.strip()
    if not text:
        # What the family member's own needs are is the matter: without it
        # there is nothing to investigate (and no way to keep it narrow).
        raise InvalidLinkedInvestigation("needs", "say what the family member's own needs are")
    return LinkedInvestigation(
        investigation_id=investigation_id,
        case_id=case_id,
        relation=relation,
        needs=text,
        opened_at=now,
        start_deadline=rule.deadline_for(now),
        opened_by=opened_by,
    )
