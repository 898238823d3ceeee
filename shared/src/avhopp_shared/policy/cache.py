"""Decisions are pure functions of (rule, input, policies): remember the latest ones.

The key is the sha256 of the canonical JSON of ``[rule, input]`` together with
the inner engine's revision, so new policies never answer from old entries.
Values are kept as JSON text and parsed on every hit: a caller that changes
what it got cannot change what the next caller gets. Errors are not cached; a
recovered engine answers the next call.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from avhopp_shared.policy.engine import PolicyEngine, PolicyError

DEFAULT_MAX_ENTRIES = 10_000


def decision_key(rule: str, input: Mapping[str, Any]) -> str:
    try:
        canonical = json.dumps(
            [rule, input],
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"input is not JSON: {exc}") from exc
    return hashlib.sha256(canonical.encode()).hexdigest()


class CachedEngine:
    def __init__(self, inner: PolicyEngine, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._inner = inner
        self._max_entries = max_entries
        self._entries: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def revision(self) -> str:
        return self._inner.revision

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        key = (self._inner.revision, decision_key(rule, input))
        with self._lock:
            text = self._entries.get(key)
            if text is not None:
                self._entries.move_to_end(key)
        if text is not None:
            return json.loads(text)
        # Evaluated outside the lock: two threads missing on one key both
        # evaluate, which is cheaper than serialising every miss.
        value = self._inner.evaluate(rule, input)
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise PolicyError(f"{rule}: the engine answered no JSON value: {exc}") from exc
        with self._lock:
            self._entries[key] = text
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return json.loads(text)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
