"""A placement assessment read back never says its suitable towns had no rival flags. The
flags are answered when the check runs (the assessment's own answer, the ad-hoc check);
they are not kept, as a ``placed`` flag tells where another case's person lives, a
disclosure audited and alerted each time it is made. So the history carries no flags at
all, rather than an empty list that would tell police a flagged town was checked clean."""

from __future__ import annotations

from typing import Any

from avhopp_shared.municipal_responsibility import today_in_sweden
from avhopp_threat.app import create_app as threat_app
from tests.fixtures.platform import RunningPlatform
from tests.test_placement import name_to_team, towns
from tests.test_threat_assessments import assessment, known_case

MALMO, LUND = "1280", "1281"


async def test_a_flagged_placement_assessment_does_not_read_back_as_unflagged(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    threat = p.clients["threat"]
    placed = await known_case(p)
    await name_to_team(p, placed)
    await threat.post(
        f"/cases/{placed}/threat-assessments", json=assessment("high", affiliations=["Nätverk 017"])
    )
    await threat.post(
        f"/cases/{placed}/placement",
        json={"municipality": MALMO, "placed_on": today_in_sweden().isoformat()},
    )
    asking = await known_case(p)
    await name_to_team(p, asking)
    await threat.post(f"/cases/{asking}/threat-assessments", json=assessment("high"))

    judged = await threat.post(
        f"/cases/{asking}/placement-assessments", json=towns((MALMO, True), (LUND, False))
    )
    history = await threat.get(f"/cases/{asking}/placement-assessments")

    assert judged.status_code == 201, judged.text
    assert [f["municipality_code"] for f in judged.json()["rival_flags"]] == [MALMO]
    [listed] = history.json()
    assert "rival_flags" not in listed, listed
    assert [(t["municipality_code"], t["suitable"]) for t in listed["towns"]] == [
        (MALMO, True),
        (LUND, False),
    ]
    assert listed["version"] == judged.json()["version"]


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _properties(document, document["components"]["schemas"][name])
    if schema.get("type") == "array":
        return _properties(document, schema["items"])
    return set(schema.get("properties", {}))


def test_the_documented_placement_history_has_no_rival_flags_to_be_read_as_none() -> None:
    document = threat_app().openapi()
    listed = document["paths"]["/cases/{case_id}/placement-assessments"]["get"]
    schema = listed["responses"]["200"]["content"]["application/json"]["schema"]

    fields = _properties(document, schema)

    assert "towns" in fields
    assert "rival_flags" not in fields
