"""The data categories and purposes of ACCESS.md: the vocabulary of every access decision."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Every field the platform stores or emits belongs to exactly one of these (ACCESS.md)."""

    CASE_REF = "case_ref"
    IDENTITY = "identity"
    CONTACT = "contact"
    PROTECTED_LOCATION = "protected_location"
    APPLICATION = "application"
    THREAT = "threat"
    PLACEMENT = "placement"
    PROTECTIVE_MEASURES = "protective_measures"
    CRIMINAL_HISTORY = "criminal_history"
    HEALTH = "health"
    INVESTIGATION = "investigation"
    DECISIONS = "decisions"
    DECISION_SUMMARY = "decision_summary"
    ACTION_PLAN = "action_plan"
    INTERVENTIONS = "interventions"
    FINANCES = "finances"
    FAMILY = "family"
    FOLLOWUP = "followup"


class Part(StrEnum):
    """A narrower part of one of ACCESS.md's categories, for the fields of it that an
    agency's cell opens only in part: police's ``followup`` cell is "consent (status,
    relapse)", so the rest of ``followup`` (follow-up notes, abort reasons, the person's
    own view) is ``followup_detail``. The catalogue classifies fields under a part and
    the matrix gives it a row; consents, legal bases, break-glass grants and disclosure
    decisions name the whole category only, which covers its parts (policies/README.md).
    """

    FOLLOWUP_DETAIL = "followup_detail"


#: The category each part belongs to (``parts`` in ``policies/data/matrix.json``).
PART_OF: dict[Part, Category] = {Part.FOLLOWUP_DETAIL: Category.FOLLOWUP}


class Purpose(StrEnum):
    """What an exchange is for; a consent names the purposes it covers (ACCESS.md)."""

    INVESTIGATION = "investigation"
    PROTECTION = "protection"
    INTERVENTION = "intervention"
    FOLLOWUP = "followup"


#: The purpose assumed when a caller does not state one: what each agency
#: ordinarily does in the process (PROCESS.md, actors). A caller may always
#: state another with the ``Avhopp-Purpose`` header.
DEFAULT_PURPOSE: dict[str, Purpose] = {
    "police": Purpose.PROTECTION,
    "social": Purpose.INVESTIGATION,
    "provider": Purpose.INTERVENTION,
    "probation": Purpose.FOLLOWUP,
    "sis": Purpose.FOLLOWUP,
}
