"""The merged timeline reads in Swedish days (README: days are Swedish days)."""

from __future__ import annotations

from avhopp_followup.entrypoints.timeline_parts import merged
from avhopp_shared.access.gate import Disclosure


def _entry(milestone: str, occurred: str, recorded: str) -> dict[str, str]:
    return {"milestone": milestone, "occurred_at": occurred, "recorded_at": recorded}


def _part(*entries: tuple[str, str, str]) -> Disclosure:
    return Disclosure(
        data={"entries": [_entry(*entry) for entry in entries]},
        disclosed=frozenset({"case_ref"}),
    )


def _held(entry: tuple[str, str, str]) -> Disclosure:
    """An entry another agency holds, disclosed on its own."""
    return Disclosure(data=_entry(*entry), disclosed=frozenset({"case_ref"}))


def test_a_moment_after_swedish_midnight_reads_with_that_days_entries_in_recorded_order() -> None:
    # The phase is dated 27 November (a day: stored as its first moment in UTC) and was
    # recorded first; the consent was given at 00:30 on 27 November in Stockholm, which is
    # still 26 November in UTC.
    phase = ("phase_changed", "2026-11-27T00:00:00Z", "2026-11-26T22:00:00Z")
    consent = ("consent_granted", "2026-11-26T23:30:00Z", "2026-11-26T23:30:00Z")
    earlier = ("application_received", "2026-11-26T21:00:00Z", "2026-11-26T21:00:00Z")

    view = merged(_part(phase, consent), [_held(earlier)])

    assert [e["milestone"] for e in view.data["entries"]] == [
        "application_received",
        "phase_changed",
        "consent_granted",
    ]
