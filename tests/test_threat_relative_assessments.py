"""A threat assessment of a named relative is about that relative: ACCESS.md puts relatives
under ``family``, never a provider's. A reader from whom ``family`` is withheld is not shown
the relative's assessment at all, rather than as an anonymous assessment of the case that
cannot be told from the person's own."""

from __future__ import annotations

from tests.fixtures.database import count_rows
from tests.fixtures.platform import RunningPlatform
from tests.test_commissioning import _commission, _provider_consent, _threat_service_knows
from tests.test_threat_assessments import assessment, known_case

PROVIDER_CLIENT = "provider-skyddat-boende"
CHILD_PICTURE = "The child is threatened at school by Nätverk 017"


async def _assessed_with_a_relative(p: RunningPlatform) -> str:
    case_id = await known_case(p)
    threat = p.clients["threat"]
    person = await threat.post(f"/cases/{case_id}/threat-assessments", json=assessment("low"))
    relative = await threat.post(
        f"/cases/{case_id}/threat-assessments",
        json=assessment(
            "high",
            relative={"relative_id": "rel-1", "relation": "child"},
            threat_picture=CHILD_PICTURE,
        ),
    )
    assert (person.status_code, relative.status_code) == (201, 201), relative.text
    return case_id


async def test_a_provider_without_family_is_not_shown_a_relatives_assessment_as_the_persons(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_with_a_relative(p)
    await _provider_consent(p, case_id)
    commissioned = await _commission(p, case_id, ["case_ref", "threat"])
    assert commissioned.status_code == 201, commissioned.text
    await _threat_service_knows(p, case_id)

    history = await p.get_as(PROVIDER_CLIENT, "threat", f"/cases/{case_id}/threat-assessments")

    assert history.status_code == 200, history.text
    shown = history.json()
    assert [(a.get("version"), a.get("level")) for a in shown] == [(1, "low")], shown
    assert CHILD_PICTURE not in history.text
    # The trail records what was disclosed (ACCESS.md, "Audit"): the person's
    # assessment, never the relative's that was not sent.
    audited = await count_rows(
        p.runtime("threat"),
        "audit_log",
        f"WHERE case_id = '{case_id}' AND agency = 'provider'"
        " AND resource = 'ThreatAssessmentPublic'",
    )
    assert audited == 1


async def test_police_still_read_the_relatives_assessment_beside_the_persons(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    case_id = await _assessed_with_a_relative(p)

    history = await p.clients["threat"].get(f"/cases/{case_id}/threat-assessments")

    assert history.status_code == 200, history.text
    shown = [(a["level"], (a.get("relative") or {}).get("relative_id")) for a in history.json()]
    assert sorted(shown, key=str) == sorted([("low", None), ("high", "rel-1")], key=str)
    assert CHILD_PICTURE in history.text
