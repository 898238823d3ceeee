"""The threat service's request and response bodies (public models: each field is in
policies/data/catalogue.json)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from avhopp_shared.municipalities import municipality_by_code
from avhopp_shared.web.dated_examples import dated_examples, day
from avhopp_shared.web.dates import Day
from avhopp_threat.domain.placement import Placement, PlacementAssessment
from avhopp_threat.domain.police_case import CaseStatus, PoliceCase
from avhopp_threat.domain.protective_measures import MeasureKind, MeasureStatus, ProtectiveMeasure
from avhopp_threat.domain.register_check import CheckPurpose, Register, RegisterCheck
from avhopp_threat.domain.rival_check import RivalFlag
from avhopp_threat.domain.threat_assessment import (
    HandlingLevel,
    Relation,
    ThreatAssessment,
    ThreatLevel,
)

_TEXT = 20_000


_MUNICIPALITY = "A Swedish municipality: its four-digit code or its exact name"


class ThreatActorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200, examples=["Person A"])
    network: str | None = Field(default=None, max_length=200, examples=["Nätverk 017"])
    resides_in: str | None = Field(
        default=None, max_length=100, description=_MUNICIPALITY, examples=["1280", "Malmö"]
    )


class RelativeIn(BaseModel):
    relative_id: str = Field(
        min_length=1,
        max_length=64,
        description="The caller's own stable reference for the relative; versions count per relative.",
        examples=["rel-1"],
    )
    relation: Relation


class ThreatAssessmentIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "level": "high",
                    "threat_picture": "Threats from the former network since the person left",
                    "risk_analysis": "Violence likely if the person is found",
                    "threat_actors": [
                        {"name": "Person A", "network": "Nätverk 017", "resides_in": "1280"}
                    ],
                    "networks": ["Nätverk 017"],
                    "affiliations": ["Nätverk 044"],
                    "assessed_on": day(today),
                    "next_review_on": day(today, 30),
                }
            ]
        )
    )

    level: ThreatLevel = Field(
        description="none: not in the target group; low: local; high: regional"
    )
    threat_picture: str = Field(default="", max_length=_TEXT)
    risk_analysis: str = Field(default="", max_length=_TEXT)
    threat_actors: list[ThreatActorIn] = Field(default_factory=list, max_length=100)
    networks: list[str] = Field(default_factory=list, max_length=100)
    affiliations: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="The networks the person belonged to (a placement must keep rivals apart).",
    )
    assessed_on: Day
    next_review_on: Day | None = Field(
        default=None, description="Required unless the level is none; a date still to come."
    )
    relative: RelativeIn | None = Field(
        default=None, description="Set when the assessment is about a named relative."
    )


class ThreatActorPublic(BaseModel):
    name: str
    network: str | None
    resides_in: str | None


class RelativePublic(BaseModel):
    relative_id: str
    relation: Relation


class ThreatAssessmentPublic(BaseModel):
    case_id: str
    version: int
    relative: RelativePublic | None
    level: ThreatLevel
    handling_level: HandlingLevel | None
    in_target_group: bool = Field(
        description="False at level none: not a defector; the case goes on at social services "
        "without police."
    )
    threat_picture: str
    risk_analysis: str
    threat_actors: list[ThreatActorPublic]
    networks: list[str]
    affiliations: list[str]
    assessed_by: str
    assessed_on: date
    next_review_on: date | None
    review_due: bool
    recorded_at: datetime

    @classmethod
    def of(cls, assessment: ThreatAssessment, today: date) -> ThreatAssessmentPublic:
        relative = assessment.relative
        return cls(
            case_id=assessment.case_id,
            version=assessment.version,
            relative=RelativePublic(relative_id=relative.relative_id, relation=relative.relation)
            if relative
            else None,
            level=assessment.level,
            handling_level=assessment.handling_level,
            in_target_group=assessment.in_target_group,
            threat_picture=assessment.threat_picture,
            risk_analysis=assessment.risk_analysis,
            threat_actors=[
                ThreatActorPublic(name=a.name, network=a.network, resides_in=a.resides_in)
                for a in assessment.threat_actors
            ],
            networks=list(assessment.networks),
            affiliations=list(assessment.affiliations),
            assessed_by=assessment.assessed_by,
            assessed_on=assessment.assessed_on,
            next_review_on=assessment.next_review_on,
            review_due=assessment.review_due(today),
            recorded_at=assessment.recorded_at,
        )


class RegisterCheckIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {
                    "purpose": "follow_up",
                    "registers": ["belastningsregistret", "misstankeregistret"],
                    "checked_on": day(today),
                    "hit": False,
                }
            ]
        )
    )

    purpose: CheckPurpose
    registers: list[Register] = Field(min_length=1)
    checked_on: Day
    hit: bool
    summary: str = Field(default="", max_length=_TEXT)


class RegisterCheckPublic(BaseModel):
    check_id: str
    case_id: str
    purpose: CheckPurpose
    registers: list[Register]
    checked_on: date
    checked_by: str
    hit: bool
    relapse: bool
    summary: str

    @classmethod
    def of(cls, check: RegisterCheck) -> RegisterCheckPublic:
        return cls(
            check_id=check.check_id,
            case_id=check.case_id,
            purpose=check.purpose,
            registers=list(check.registers),
            checked_on=check.checked_on,
            checked_by=check.checked_by,
            hit=check.hit,
            relapse=check.relapse,
            summary=check.summary,
        )


class ProtectiveMeasureIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [{"kind": "skyddad_folkbokforing", "started_on": day(today)}]
        )
    )

    kind: MeasureKind
    started_on: Day
    note: str | None = Field(default=None, max_length=2000)


class MeasureStatusIn(BaseModel):
    # The Tax Agency granting the protected registration of ProtectiveMeasureIn's example.
    model_config = ConfigDict(
        json_schema_extra=dated_examples(lambda today: [{"status": "granted", "on": day(today)}])
    )

    status: MeasureStatus
    on: Day


class ProtectiveMeasurePublic(BaseModel):
    measure_id: str
    case_id: str
    kind: MeasureKind
    status: MeasureStatus
    started_on: date
    decided_on: date | None
    ended_on: date | None
    note: str | None

    @classmethod
    def of(cls, measure: ProtectiveMeasure) -> ProtectiveMeasurePublic:
        return cls(
            measure_id=measure.measure_id,
            case_id=measure.case_id,
            kind=measure.kind,
            status=measure.status,
            started_on=measure.started_on,
            decided_on=measure.decided_on,
            ended_on=measure.ended_on,
            note=measure.note,
        )


class PoliceCaseIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [
                {"motivated": True, "conditions_form_signed_on": day(today), "witness": False}
            ]
        )
    )

    """The coordinator's answers to the conditions the records cannot tell."""

    motivated: bool = Field(description="Judged motivated to leave organised crime")
    conditions_form_signed_on: Day | None = Field(
        default=None, description="When the person signed the police conditions form"
    )
    witness: bool = Field(description="The person is a witness (bevisperson)")


class AbortIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"reason": "Back in contact with the network; support goes on without police"}
            ]
        }
    )

    reason: str = Field(min_length=1, max_length=2000)


class CompletionIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"plan_carried_out": True}]})

    plan_carried_out: bool


class PoliceCasePublic(BaseModel):
    case_id: str
    status: CaseStatus
    opened_on: date
    opened_by: str
    conditions_form_signed_on: date
    closed_on: date | None
    closed_by: str | None
    reason: str | None

    @classmethod
    def of(cls, case: PoliceCase) -> PoliceCasePublic:
        return cls(
            case_id=case.case_id,
            status=case.status,
            opened_on=case.opened_on,
            opened_by=case.opened_by,
            conditions_form_signed_on=case.conditions_form_signed_on,
            closed_on=case.closed_on,
            closed_by=case.closed_by,
            reason=case.reason,
        )


class TownJudgementIn(BaseModel):
    municipality: str = Field(min_length=1, max_length=100, description=_MUNICIPALITY)
    suitable: bool
    reason: str = Field(min_length=1, max_length=2000)


class PlacementAssessmentIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "towns": [
                        {
                            "municipality": "2480",
                            "suitable": True,
                            "reason": "No known network presence",
                        },
                        {
                            "municipality": "Malmö",
                            "suitable": False,
                            "reason": "The former network is active",
                        },
                    ]
                }
            ]
        }
    )

    towns: list[TownJudgementIn] = Field(min_length=1, max_length=290)


class TownJudgementPublic(BaseModel):
    municipality_code: str
    municipality_name: str
    suitable: bool
    reason: str


class RivalFlagPublic(BaseModel):
    """A town where a network threatening the person is present; no other case is named."""

    municipality_code: str
    municipality_name: str
    networks: list[str]
    kinds: list[str] = Field(
        description="placed: a person tied to it lives there under "
        "protection; resides: one of its threat actors lives there"
    )

    @classmethod
    def of(cls, flag: RivalFlag) -> RivalFlagPublic:
        return cls(
            municipality_code=flag.municipality_code,
            municipality_name=municipality_by_code(flag.municipality_code).name,
            networks=list(flag.networks),
            kinds=list(flag.kinds),
        )


def _judged_towns(assessment: PlacementAssessment) -> list[TownJudgementPublic]:
    return [
        TownJudgementPublic(
            municipality_code=t.municipality_code,
            municipality_name=municipality_by_code(t.municipality_code).name,
            suitable=t.suitable,
            reason=t.reason,
        )
        for t in assessment.towns
    ]


class PlacementAssessmentPublic(BaseModel):
    """A placement assessment as recorded, with the rival flags its check raised just now.

    Only the answer to the assessment carries flags: they are answered when the
    check runs and never kept (a ``placed`` flag tells where another case's
    person lives, a disclosure audited and alerted each time it is made, and
    the map changes as cases are placed and closed). Read back later, an
    assessment is a :class:`PlacementAssessmentRecordPublic`, without flags.
    """

    case_id: str
    version: int
    towns: list[TownJudgementPublic]
    rival_flags: list[RivalFlagPublic] = Field(
        description="The suitable towns the rival check flagged as the assessment was made"
    )
    assessed_by: str
    assessed_at: datetime

    @classmethod
    def of(
        cls, version: int, assessment: PlacementAssessment, flags: Sequence[RivalFlag]
    ) -> PlacementAssessmentPublic:
        return cls(
            case_id=assessment.case_id,
            version=version,
            towns=_judged_towns(assessment),
            rival_flags=[RivalFlagPublic.of(flag) for flag in flags],
            assessed_by=assessment.assessed_by,
            assessed_at=assessment.assessed_at,
        )


class PlacementAssessmentRecordPublic(BaseModel):
    """A placement assessment read back: the towns judged, and no rival flags.

    Flags are answered only when the check runs (the assessment's own answer, or
    ``GET /cases/{id}/rival-check`` today); none are kept. An empty list here would
    tell police that a town flagged when it was judged had been checked clean.
    """

    case_id: str
    version: int
    towns: list[TownJudgementPublic]
    assessed_by: str
    assessed_at: datetime

    @classmethod
    def of(cls, version: int, assessment: PlacementAssessment) -> PlacementAssessmentRecordPublic:
        return cls(
            case_id=assessment.case_id,
            version=version,
            towns=_judged_towns(assessment),
            assessed_by=assessment.assessed_by,
            assessed_at=assessment.assessed_at,
        )


class RivalCheckPublic(BaseModel):
    case_id: str
    towns_checked: list[str]
    rival_flags: list[RivalFlagPublic]


class PlacementIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra=dated_examples(
            lambda today: [{"municipality": "2480", "placed_on": day(today)}]
        )
    )

    municipality: str = Field(min_length=1, max_length=100, description=_MUNICIPALITY)
    placed_on: Day


class PlacementPublic(BaseModel):
    """The town the person lives in: only the case team ever sees it."""

    case_id: str
    municipality_code: str
    municipality_name: str
    placed_on: date
    recorded_by: str

    @classmethod
    def of(cls, placement: Placement) -> PlacementPublic:
        return cls(
            case_id=placement.case_id,
            municipality_code=placement.municipality_code,
            municipality_name=municipality_by_code(placement.municipality_code).name,
            placed_on=placement.placed_on,
            recorded_by=placement.recorded_by,
        )
