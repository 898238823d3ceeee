"""The person's children, and the tasks a concern for a child starts.

PROCESS.md, "Needs and interventions" (Del 4 of 004): a defector's own
children may need a child investigation (11 kap. 1-2 §§ SoL), and staff must
report a concern for a child (14 kap. 1 § SoL). A concern recorded here
therefore opens a task to consider a child investigation; it is never left
to memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_social.domain.tasks import Task, TaskKind


class InvalidChild(InvalidInput):
    """A child record the rules refuse; ``field`` names it (422)."""


@dataclass(frozen=True, slots=True)
class Child:
    child_id: str
    case_id: str
    birth_year: int
    lives_with_person: bool
    concern: str | None


def record_child(
    *,
    child_id: str,
    task_id: str,
    case_id: str,
    birth_year: int,
    lives_with_person: bool,
    concern: str | None,
    now: datetime,
) -> tuple[Child, Task | None]:
    """The child, and the task a concern starts (None without one)."""
    # The Swedish year: the new year begins at Swedish midnight (README: days are
    # Swedish days), an hour or two before the UTC one.
    year = today_in_sweden(now).year
    # 14 kap. 1 § SoL concerns every child under 18: someone born 18 calendar years
    # ago is still 17 until that birthday, which a birth year alone cannot rule out.
    if not year - 18 <= birth_year <= year:
        raise InvalidChild("birth_year", "a child was born within the last 18 years")
    text = concern.strip() if concern else None
    child = Child(child_id, case_id, birth_year, lives_with_person, text or None)
    if not text:
        return child, None
    task = Task(
        task_id=task_id,
        case_id=case_id,
        kind=TaskKind.CONSIDER_CHILD_INVESTIGATION,
        reason=text,
        legal_basis="11 kap. 1-2 §§, 14 kap. 1 § SoL",
        created_at=now,
    )
    return child, task
