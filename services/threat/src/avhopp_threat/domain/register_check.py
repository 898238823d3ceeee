"""Register checks: the initial criminal-history check, and the follow-up checks for relapse.

PROCESS.md steps 2 and 11: police check criminal history at the start, and
during the case check the conviction and suspicion registers (belastnings-
och misstankeregistret) for relapse into crime; on a relapse police inform
social services, who assess it individually (004 Del 2, "Polisen handlägger
avhopparärende"). The result is ``criminal_history`` (ACCESS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from avhopp_shared.errors import InvalidInput


class CheckPurpose(StrEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"


class Register(StrEnum):
    CONVICTIONS = "belastningsregistret"
    SUSPICIONS = "misstankeregistret"


class InvalidCheck(InvalidInput):
    """A rule the input breaks; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class RegisterCheck:
    check_id: str
    case_id: str
    purpose: CheckPurpose
    registers: tuple[Register, ...]
    checked_on: date
    checked_by: str
    hit: bool
    summary: str
    recorded_at: datetime

    @property
    def relapse(self) -> bool:
        """A hit found while following the case up is a relapse to report (step 11);
        what the initial check finds is the history the case starts from."""
        return self.hit and self.purpose is CheckPurpose.FOLLOW_UP


def record_check(
    *,
    check_id: str,
    case_id: str,
    purpose: CheckPurpose,
    registers: tuple[Register, ...],
    checked_on: date,
    checked_by: str,
    hit: bool,
    summary: str,
    today: date,
    recorded_at: datetime,
) -> RegisterCheck:
    if not registers:
        raise InvalidCheck("registers", "name at least one register that was checked")
    if checked_on > today:
        raise InvalidCheck("checked_on", "a check cannot be dated in the future")
    if hit and not summary.strip():
        raise InvalidCheck("summary", "a hit needs a summary of what was found")
    return RegisterCheck(
        check_id=check_id,
        case_id=case_id,
        purpose=purpose,
        registers=tuple(dict.fromkeys(registers)),
        checked_on=checked_on,
        checked_by=checked_by,
        hit=hit,
        summary=summary.strip(),
        recorded_at=recorded_at,
    )
