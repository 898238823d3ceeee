"""The gate's memory of access states: used only under the version it was read at."""

from __future__ import annotations

from datetime import UTC, datetime

from avhopp_shared.access.policy_input import AccessState
from avhopp_shared.access.state_versions import StateCache
from avhopp_shared.access.tables import TeamMemberRow


def _state(user: str) -> AccessState:
    member = TeamMemberRow(
        case_id="c", agency="police", organisation="o", user=user, added_at=datetime.now(UTC)
    )
    return AccessState(team=[member])


def test_a_state_is_answered_only_under_the_version_it_was_stored_with() -> None:
    cache = StateCache()
    state = _state("a")
    cache.put("case-1", 3, state)

    assert cache.get("case-1", 3) is state
    assert cache.get("case-1", 4) is None  # changed since: read again
    assert cache.get("case-2", 3) is None
    assert (cache.hits, cache.misses) == (1, 2)


def test_a_newer_read_replaces_the_older_state() -> None:
    cache = StateCache()
    cache.put("case-1", 1, _state("a"))
    newer = _state("b")
    cache.put("case-1", 2, newer)

    assert cache.get("case-1", 1) is None
    assert cache.get("case-1", 2) is newer
    assert len(cache) == 1


def test_the_least_recently_used_case_is_forgotten_first() -> None:
    cache = StateCache(max_cases=2)
    cache.put("case-1", 1, _state("a"))
    cache.put("case-2", 1, _state("b"))
    assert cache.get("case-1", 1) is not None  # case-1 is now the most recent
    cache.put("case-3", 1, _state("c"))

    assert cache.get("case-2", 1) is None
    assert cache.get("case-1", 1) is not None
    assert cache.get("case-3", 1) is not None
