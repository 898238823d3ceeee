"""The fixed lists an ISU answer is made of, whatever the facts hold.

Every answer lists every need, every intervention, every outcome and every
phase here, counted or not: were a need nobody has left out, and a need one
person has listed (even suppressed), an answer narrowed to a single case would
name that person's needs (health data) and the aid decided for them. So the
shape of an answer never depends on the data; only the released numbers do.

The needs are the values social services' needs mapping rates (its RBM areas
and other needs), the interventions the aid types they decide on; a test keeps
these lists in step with social services' own.
"""

from __future__ import annotations

from avhopp_followup.domain.exit import ExitStatus
from avhopp_followup.domain.phases import Phase

#: Social services' RbmArea and OtherNeed (the needs a needs mapping can find).
NEEDS: tuple[str, ...] = tuple(
    sorted(
        (
            "antisocial_history",
            "procriminal_attitudes",
            "procriminal_associates",
            "antisocial_personality_pattern",
            "substance_abuse",
            "work_or_studies",
            "family_and_relations",
            "leisure",
            "housing",
            "income",
            "debt",
            "mental_health",
            "daily_routines",
            "loneliness",
            "health_and_dental",
        )
    )
)

#: Social services' AidType (what an aid decision, and a commission, is for).
INTERVENTIONS: tuple[str, ...] = tuple(
    sorted(
        (
            "protected_housing",
            "hvb",
            "supported_housing",
            "family_home",
            "financial_aid",
            "contact_person",
            "substance_treatment",
            "psychiatric_coordination",
            "debt_counselling",
            "trustee",
            "removal_of_belongings",
            "tattoo_removal",
            "employment_support",
            "other",
        )
    )
)

#: How an exit stands or ended.
OUTCOMES: tuple[str, ...] = tuple(status.value for status in ExitStatus)

#: The phases whose length ISU reports (the last one has no end to measure).
PHASES: tuple[str, ...] = (
    Phase.INITIAL_CONTACT.value,
    Phase.ACUTE.value,
    Phase.STABILISING.value,
)
