"""The police threat and risk assessment (hotbilds- och riskbedömning), versioned over time.

004 Del 2, "Hotbilds- och riskbedömningar av polisen": the assessment decides
whether the person belongs to the target group and how the threat looks.
*No* threat: not a defector (ordinary social-services support may continue,
without police). *Low*: handled by local defector coordination, no
relocation. *High*: regional level, relocation usually needed. The level
varies over time and is assessed again; police may also assess named
relatives (närstående). Every assessment is kept: a new one is a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from avhopp_shared.errors import InvalidInput
from avhopp_shared.municipalities import is_municipality_code
from avhopp_threat.domain.rival_check import normalise_network

PERSON = "person"


class ThreatLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    HIGH = "high"


class HandlingLevel(StrEnum):
    """Where in police the case is handled: it follows from the threat level."""

    LOCAL = "local"
    REGIONAL = "regional"


class Relation(StrEnum):
    PARENT = "parent"
    SIBLING = "sibling"
    PARTNER = "partner"
    CHILD = "child"
    OTHER = "other"


class InvalidAssessment(InvalidInput):
    """An assessment the rules refuse; ``field`` names the offending input."""


@dataclass(frozen=True, slots=True)
class ThreatActor:
    """Someone the threat comes from, the network they belong to and the municipality
    (code) they live in, where known: where they live is what a rival check looks at."""

    name: str
    network: str | None = None
    resides_in: str | None = None


@dataclass(frozen=True, slots=True)
class Relative:
    """A named relative the assessment is about, instead of the person."""

    relative_id: str
    relation: Relation


@dataclass(frozen=True, slots=True)
class ThreatAssessment:
    case_id: str
    version: int
    relative: Relative | None
    level: ThreatLevel
    threat_picture: str
    risk_analysis: str
    threat_actors: tuple[ThreatActor, ...]
    networks: tuple[str, ...]
    #: The networks the person belonged to: where the person is placed, a rival
    #: of these must not be (placement assessment, 004 Del 2).
    affiliations: tuple[str, ...]
    assessed_by: str
    assessed_on: date
    next_review_on: date | None
    recorded_at: datetime

    @property
    def subject(self) -> str:
        """Whom it is about: the person, or one relative (versions count per subject)."""
        return PERSON if self.relative is None else f"relative:{self.relative.relative_id}"

    @property
    def handling_level(self) -> HandlingLevel | None:
        return handling_level(self.level)

    @property
    def in_target_group(self) -> bool:
        """No threat: not a defector (004 Del 2); the case goes on at social services only."""
        return self.level is not ThreatLevel.NONE

    def review_due(self, today: date) -> bool:
        return self.next_review_on is not None and self.next_review_on <= today

    def all_networks(self) -> tuple[str, ...]:
        """The networks named, directly or through a threat actor, once each."""
        named = [*self.networks, *(a.network for a in self.threat_actors if a.network)]
        return tuple(dict.fromkeys(n.strip() for n in named if n.strip()))


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def _require_comparable_networks(
    networks: tuple[str, ...], affiliations: tuple[str, ...], threat_actors: tuple[ThreatActor, ...]
) -> None:
    """Every network name named, in the form the rival check compares and stores it in
    (``normalise_network``), or the refusal naming each field that form cannot take.

    Accepted, such a name would be refused only later, by every rival check, placement
    assessment and placement of the case, naming a ``network`` none of those requests
    has: the case could no longer be placed at all. A blank name is left out of the
    assessment (``_names``, ``all_networks``), not refused."""
    named = [
        *((f"networks.{i}", name) for i, name in enumerate(networks)),
        *((f"affiliations.{i}", name) for i, name in enumerate(affiliations)),
        *(
            (f"threat_actors.{i}.network", actor.network)
            for i, actor in enumerate(threat_actors)
            if actor.network is not None
        ),
    ]
    problems = []
    for field, name in named:
        if not name.strip():
            continue
        try:
            normalise_network(name)
        except InvalidInput as refused:
            problems.append((field, refused.reason))
    if problems:
        raise InvalidAssessment(*problems[0], also=problems[1:])


def _require_not_older(previous: ThreatAssessment | None, assessed_on: date) -> None:
    """A reassessment becomes the subject's current assessment, so it must be the later
    judgement: the level varies over time and is assessed again (PROCESS.md step 5;
    004 Del 2), and the latest assessment is the one that counts. One dated before
    the current one would replace a newer judgement with an older one (a lower
    level, say) and move access and the rival-check map with it. The same day is a
    judgement made again that day."""
    if previous is not None and assessed_on < previous.assessed_on:
        raise InvalidAssessment(
            "assessed_on", "a reassessment cannot be dated before the current assessment"
        )


def handling_level(level: ThreatLevel) -> HandlingLevel | None:
    # 004 Del 2: low ⇒ local defector coordination, high ⇒ regional level.
    return {
        ThreatLevel.LOW: HandlingLevel.LOCAL,
        ThreatLevel.HIGH: HandlingLevel.REGIONAL,
    }.get(level)


@dataclass(frozen=True, slots=True)
class LevelChange:
    case_id: str
    subject: str
    previous: ThreatLevel | None
    current: ThreatLevel


def assess(
    previous: ThreatAssessment | None,
    *,
    case_id: str,
    relative: Relative | None,
    level: ThreatLevel,
    threat_picture: str,
    risk_analysis: str,
    threat_actors: tuple[ThreatActor, ...],
    networks: tuple[str, ...],
    affiliations: tuple[str, ...],
    assessed_by: str,
    assessed_on: date,
    next_review_on: date | None,
    today: date,
    recorded_at: datetime,
) -> tuple[ThreatAssessment, LevelChange | None]:
    """The next version for this subject, and the level change it makes (None if the same).

    ``previous`` is the subject's current assessment, if any.
    """
    if assessed_on > today:
        raise InvalidAssessment("assessed_on", "an assessment cannot be dated in the future")
    _require_not_older(previous, assessed_on)
    if level is not ThreatLevel.NONE:
        if not threat_picture.strip():
            raise InvalidAssessment("threat_picture", "a threat needs its threat picture")
        # The level varies over time (004 Del 2): a threat is reviewed again.
        if next_review_on is None:
            raise InvalidAssessment("next_review_on", "a threat needs a next review date")
    if next_review_on is not None and (next_review_on <= today or next_review_on <= assessed_on):
        raise InvalidAssessment("next_review_on", "the next review must be a date still to come")
    for index, actor in enumerate(threat_actors):
        if not actor.name.strip():
            raise InvalidAssessment(f"threat_actors.{index}.name", "a threat actor needs a name")
        if actor.resides_in is not None and not is_municipality_code(actor.resides_in):
            raise InvalidAssessment(
                f"threat_actors.{index}.resides_in",
                "not the code of a Swedish municipality",
            )
    _require_comparable_networks(networks, affiliations, threat_actors)
    assessment = ThreatAssessment(
        case_id=case_id,
        version=1 if previous is None else previous.version + 1,
        relative=relative,
        level=level,
        threat_picture=threat_picture.strip(),
        risk_analysis=risk_analysis.strip(),
        threat_actors=threat_actors,
        networks=_names(networks),
        affiliations=_names(affiliations),
        assessed_by=assessed_by,
        assessed_on=assessed_on,
        next_review_on=next_review_on,
        recorded_at=recorded_at,
    )
    before = None if previous is None else previous.level
    change = None if before is level else LevelChange(case_id, assessment.subject, before, level)
    return assessment, change
