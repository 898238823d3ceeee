"""What an ISU answer must not tell about a person, and that every answer is audited.

An answer narrowed to one case (one municipality, a short period) must read as an
answer about nobody; the answer for every municipality must not be set against one
municipality's to recover another's suppressed cells; and every answer, as JSON,
CSV or chart, is an export the audit trail records before it leaves (ACCESS.md,
"Audit").
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from tests.fixtures.database import count_rows, install_failing_trigger
from tests.fixtures.people import application_body
from tests.fixtures.platform import RunningPlatform, wait_until
from tests.test_aid_decisions import decision
from tests.test_followup_phases_and_reports import followed_case
from tests.test_isu import period

LOW = {"rating": "low", "notes": "Synthetic note"}
HIGH = {"rating": "high", "notes": "Synthetic note"}
RBM_AREAS = [
    "antisocial_history",
    "procriminal_attitudes",
    "procriminal_associates",
    "antisocial_personality_pattern",
    "substance_abuse",
    "work_or_studies",
    "family_and_relations",
    "leisure",
]
EXPORTS = (
    "/statistics/isu",
    "/statistics/isu.csv",
    "/statistics/isu/charts/needs.svg",
    "/statistics/isu/charts/outcomes.png",
)


async def _lund_case(p: RunningPlatform) -> str:
    """Lund's one case, granted protected housing."""
    lund = p.auth("social-lund")
    made = await p.clients["intake"].post(
        "/applications", json=application_body(municipality="Lund"), headers=lund
    )
    assert made.status_code == 201, made.text
    case_id = str(made.json()["case_id"])

    async def opened() -> bool:
        inv = await p.clients["social"].get(f"/cases/{case_id}/investigation", headers=lund)
        ph = await p.clients["followup"].get(f"/cases/{case_id}/phases", headers=lund)
        return inv.status_code == 200 and ph.status_code == 200

    assert await wait_until(opened)
    decided = await p.clients["social"].post(
        f"/cases/{case_id}/aid-decisions", json=decision(), headers=lund
    )
    assert decided.status_code == 201, decided.text
    return case_id


async def _decisions_counted(p: RunningPlatform, cases: int) -> None:
    where = "WHERE first_decision_on IS NOT NULL"

    async def counted() -> bool:
        return await count_rows(p.runtime("followup"), "followup_isu_case", where) == cases

    assert await wait_until(counted)


def _figures(isu: dict[str, Any]) -> dict[str, Any]:
    """The answer without what names the question."""
    return {k: v for k, v in isu.items() if k != "municipality"}


async def test_an_answer_about_one_persons_needs_and_aid_reads_as_an_answer_about_nobody(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.clients["followup"]
    case_id = await _lund_case(p)
    risk = {area: LOW for area in RBM_AREAS} | {"substance_abuse": HIGH}
    mapped = await p.clients["social"].post(
        f"/cases/{case_id}/needs-mappings",
        json={"risk_areas": risk, "other_needs": {"mental_health": HIGH}},
        headers=p.auth("social-lund"),
    )
    assert mapped.status_code == 201, mapped.text

    async def counted() -> bool:
        needs = await count_rows(
            p.runtime("followup"), "followup_isu_need", f"WHERE case_id = '{case_id}'"
        )
        return needs == 2

    assert await wait_until(counted)
    await _decisions_counted(p, 1)

    answers = {}
    for municipality in ("Lund", "Uppsala"):  # Uppsala has no case at all
        params = period() | {"municipality": municipality}
        isu = await followup.get("/statistics/isu", params=params)
        exported = await followup.get("/statistics/isu.csv", params=params)
        charts = [
            (await followup.get(f"/statistics/isu/charts/{series}.svg", params=params)).text
            for series in ("needs", "interventions")
        ]
        answers[municipality] = (_figures(isu.json()), exported.text, charts)

    lund_json, _, lund_charts = answers["Lund"]
    # The person's needs (substance abuse, mental health) and aid are listed as every
    # need and aid nobody has: JSON, CSV and charts alike, byte for byte.
    assert answers["Lund"] == answers["Uppsala"]
    labels = [c["label"] for c in lund_json["needs"]]
    assert "substance_abuse" in labels and "debt" in labels
    assert all(c["suppressed"] for c in lund_json["needs"])
    assert "protected_housing" in [g["name"] for g in lund_json["interventions"]]
    assert "debt" in lund_charts[0] and "tattoo_removal" in lund_charts[1]


async def test_the_answer_for_every_municipality_minus_malmos_does_not_give_lunds_single_person(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.clients["followup"]
    for _ in range(5):
        case_id = await followed_case(p)  # Malmö
        made = await p.clients["social"].post(f"/cases/{case_id}/aid-decisions", json=decision())
        assert made.status_code == 201, made.text
    await _lund_case(p)
    await _decisions_counted(p, 6)

    everyone_answer = await followup.get("/statistics/isu", params=period())
    malmo_answer = await followup.get(
        "/statistics/isu", params=period() | {"municipality": "Malmö"}
    )
    everyone, malmo = everyone_answer.json(), malmo_answer.json()
    lund = (
        await followup.get("/statistics/isu", params=period() | {"municipality": "Lund"})
    ).json()
    exported = (await followup.get("/statistics/isu.csv", params=period())).text

    assert lund["applications"] is None  # Lund alone is suppressed ...
    # ... and nothing of it is in the answer for every municipality: made of what
    # each municipality releases on its own, it is Malmö's to the last figure.
    assert (everyone["applications"], malmo["applications"]) == (5, 5)
    assert _figures(everyone) == _figures(malmo)
    # Each answer says how its figures were made.
    assert everyone_answer.headers["Avhopp-Isu-Counted-From"] == "released-municipal-figures"
    assert malmo_answer.headers["Avhopp-Isu-Counted-From"] == "cases"
    assert "answer,counted_from,text,released-municipal-figures,false" in exported.splitlines()


async def test_no_released_count_leaves_out_fewer_than_five_of_the_released_applications(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    followup = p.clients["followup"]
    cases = [await followed_case(p) for _ in range(6)]
    for case_id in cases[:5]:
        made = await p.clients["social"].post(f"/cases/{case_id}/aid-decisions", json=decision())
        assert made.status_code == 201, made.text
        moved = await followup.post(
            f"/cases/{case_id}/phases", json={"phase": "acute", "entered_on": period()["last_day"]}
        )
        assert moved.status_code == 201, moved.text
    await _decisions_counted(p, 5)

    isu = (await followup.get("/statistics/isu", params=period())).json()

    # Six applications are released: five with a decision, five who left initial
    # contact or five granted protected housing would each give away the one person
    # without.
    phases = {m["label"]: m for m in isu["phase_durations"]}
    housing = next(g for g in isu["interventions"] if g["name"] == "protected_housing")
    assert isu["applications"] == 6
    assert isu["time_to_decision"]["persons"] is None
    assert isu["time_to_decision"]["median_days"] is None
    assert phases["initial_contact"]["persons"] is None
    assert housing["total"] is None


async def _statistics_entries(p: RunningPlatform) -> list[dict[str, Any]]:
    query = text(
        "SELECT agency, organisation, client_id, case_id, resource, purpose, disclosed, note "
        "FROM audit_log WHERE channel = 'statistics' ORDER BY id"
    )
    async with p.runtime("followup").engine.connect() as connection:
        rows = (await connection.execute(query)).mappings().all()
    found = [dict(row) for row in rows]
    for entry in found:
        if isinstance(entry["disclosed"], str):
            entry["disclosed"] = json.loads(entry["disclosed"])
    return found


async def test_every_isu_answer_json_csv_or_chart_is_recorded_in_the_audit_trail(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    for _ in range(6):
        await followed_case(p)
    params = period() | {"municipality": "Malmö"}

    answered = [await p.clients["followup"].get(path, params=params) for path in EXPORTS]

    assert [r.status_code for r in answered] == [200] * len(EXPORTS)
    entries = await _statistics_entries(p)
    assert [e["resource"] for e in entries] == [
        "isu.json",
        "isu.csv",
        "isu chart needs.svg",
        "isu chart outcomes.png",
    ]
    for entry in entries:
        assert (entry["agency"], entry["organisation"]) == ("social", "1280")
        assert entry["case_id"] == "-"  # about no case
        assert entry["purpose"] == "followup"
        assert period()["first_day"] in entry["note"] and period()["last_day"] in entry["note"]
        assert "1280" in entry["note"]
    everything = ["case_ref", "decisions", "followup", "interventions", "investigation"]
    assert [e["disclosed"] for e in entries] == [
        everything,
        everything,
        ["investigation"],
        ["case_ref", "followup"],
    ]
    # The answer names its entry, as a disclosed read does.
    assert all(r.headers.get("Avhopp-Decision-Id") for r in answered)


async def test_when_the_audit_write_fails_no_isu_figures_leave(
    embedded_platform: RunningPlatform,
) -> None:
    p = embedded_platform
    for _ in range(6):
        await followed_case(p)
    await install_failing_trigger(p.runtime("followup"), "audit_log")

    answered = [await p.clients["followup"].get(path, params=period()) for path in EXPORTS]

    assert [r.status_code for r in answered] == [503] * len(EXPORTS)
    assert all("ongoing" not in r.text and "persons" not in r.text for r in answered)
