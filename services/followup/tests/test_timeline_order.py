"""The merged timeline reads in Swedish days (README: days are Swedish days)."""

from __future__ import annotations

from avhopp_followup.entrypoints.timeline_parts import merged
from avhopp_shared.access.gate import Disclosure


def _part(*entries: tuple[str, str, str]) -> Disclosure:
    return Disclosure(
        data={
            "entries": [
                {"milestone": milestone, "occurred_at": occurred, "recorded_at": recorded}
                for milestone, occurred, recorded in entries
            ]
        },
        disclosed=frozenset({"case_ref"}),
    )


def test_a_moment_after_swedish_midnight_reads_with_that_days_entries_in_recorded_order() -> None:
    # The phase is dated 27 November (a day: stored as its first moment in UTC) and was
    # recorded first; the consent was given at 00:30 on 27 November in Stockholm, which is
    # still 26 November in UTC.
    phase = ("phase_changed", "2026-11-27T00:00:00Z", "2026-11-26T22:00:00Z")
    consent = ("consent_granted", "2026-11-26T23:30:00Z", "2026-11-26T23:30:00Z")
    earlier = ("application_received", "2026-11-26T21:00:00Z", "2026-11-26T21:00:00Z")

    view = merged([_part(phase, consent), _part(earlier)])

    assert [e["milestone"] for e in view.data["entries"]] == [
        "application_received",
        "phase_changed",
        "consent_granted",
    ]
