"""A network name an assessment names is one the rival check can compare and store: at
most 200 characters once trimmed and case-folded (``normalise_network``). A longer one
is refused with the assessment, naming its field; were it accepted, every later rival
check, placement assessment and placement of the case would be refused instead, naming
a ``network`` none of those requests has."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_threat.domain.threat_assessment import (
    InvalidAssessment,
    ThreatActor,
    ThreatLevel,
    assess,
)
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team, towns
from tests.test_threat_assessments import assessment, known_case

#: 250 characters: longer than a network name may be.
LONG = "Nätverket " + "x" * 240
#: 150 characters, 300 once case-folded ("ß" folds to "ss").
GROWS = "ß" * 150
#: Exactly as long as a network name may be.
LONGEST = "N" * 200


DAY = date(2026, 11, 20)


def _assess(
    *,
    networks: tuple[str, ...] = (),
    affiliations: tuple[str, ...] = (),
    threat_actors: tuple[ThreatActor, ...] = (),
) -> None:
    assess(
        None,
        case_id="c-1",
        relative=None,
        level=ThreatLevel.HIGH,
        threat_picture="Threats from the former network",
        risk_analysis="",
        threat_actors=threat_actors,
        networks=networks,
        affiliations=affiliations,
        assessed_by="a",
        assessed_on=DAY,
        next_review_on=DAY + timedelta(days=30),
        today=DAY,
        recorded_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )


def test_every_network_name_the_rival_check_cannot_take_is_named_in_the_refusal() -> None:
    with pytest.raises(InvalidAssessment) as refused:
        _assess(
            networks=("Nätverk 017", LONG),
            affiliations=(GROWS,),
            threat_actors=(ThreatActor("Person A", network=GROWS),),
        )

    assert [field for field, _ in refused.value.problems] == [
        "networks.1",
        "affiliations.0",
        "threat_actors.0.network",
    ]


def test_a_network_name_as_long_as_the_rival_check_takes_and_a_blank_one_are_accepted() -> None:
    _assess(networks=(LONGEST, "  "), threat_actors=(ThreatActor("Person A", network=" "),))


async def test_an_assessment_naming_a_network_too_long_is_refused_and_the_case_stays_placeable(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    await name_to_team(embedded_platform, case_id)
    threat = embedded_platform.clients["threat"]

    refused = await threat.post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high", networks=[LONG])
    )
    recorded = await threat.post(
        f"/cases/{case_id}/threat-assessments", json=assessment("high", networks=[LONGEST])
    )
    checked = await threat.get(f"/cases/{case_id}/rival-check", params={"towns": ["1280"]})
    judged = await threat.post(
        f"/cases/{case_id}/placement-assessments", json=towns(("1280", True))
    )
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "1280", "placed_on": today_in_sweden().isoformat()},
    )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert [(p["name"], p["pointer"]) for p in refused.json()["invalid-params"]] == [
        ("networks.0", "#/networks/0")
    ]
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["version"] == 1
    assert checked.status_code == 200, checked.text
    assert judged.status_code == 201, judged.text
    assert placed.status_code == 201, placed.text


async def test_names_that_grow_too_long_when_case_folded_are_refused_naming_each_field(
    embedded_platform: RunningPlatform,
) -> None:
    case_id = await known_case(embedded_platform)
    threat = embedded_platform.clients["threat"]
    body = assessment(
        "high",
        affiliations=[GROWS],
        threat_actors=[{"name": "Person A", "network": GROWS}],
    )

    await name_to_team(embedded_platform, case_id)  # only the case team records the town
    refused = await threat.post(f"/cases/{case_id}/threat-assessments", json=body)
    placed = await threat.post(
        f"/cases/{case_id}/placement",
        json={"municipality": "1280", "placed_on": today_in_sweden().isoformat()},
    )

    assert refused.status_code == 422, refused.text
    assert [p["name"] for p in refused.json()["invalid-params"]] == [
        "affiliations.0",
        "threat_actors.0.network",
    ]
    assert placed.status_code == 201, placed.text
