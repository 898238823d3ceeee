"""Decisions are pure functions of (rule, input, policies): remember the latest ones.

Entries are keyed by the inner engine's revision, so new policies never answer
from old entries, and by the rule and the input. The input's key is
:func:`input_key` (its exact value, cheap to build) unless the caller gives
one of its own to ``decide_access``. The cache is LRU-bounded and shared by
threads; errors are never stored, so a recovered engine answers the next call.

What is stored can never be changed by whoever reads it: ``decide_access``
stores its parsed, read-only decision (a hit does no JSON work at all), and
:meth:`CachedEngine.evaluate` stores a rule's plain JSON value as text (or a
scalar as itself) and hands every caller a fresh copy.
"""

from __future__ import annotations

import json
import marshal
import pickle
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from avhopp_shared.policy.engine import PolicyEngine, PolicyError

DEFAULT_MAX_ENTRIES = 10_000
#: Version 2 writes no back-references, so equal values give equal bytes
#: whichever objects they happen to share.
_MARSHAL_VERSION = 2
_SCALARS = (bool, int, float, str, type(None))


def input_key(input: Mapping[str, Any]) -> Hashable:
    """A key equal for equal inputs and different for different ones.

    ``marshal`` writes the exact value with its types (``True`` and ``1``,
    ``[..]`` and ``{..}`` stay apart), several times faster than canonical
    JSON; the top-level keys are sorted, so callers that build the same input
    in another key order still share an entry (nested objects in another order
    merely miss). A top-level list of ``StrEnum`` members is written as the
    JSON encoder writes it, as plain text; whatever else marshal refuses is
    pickled (equal bytes still mean equal values; sharing objects differently
    may only cost a miss), and what neither can write falls back to canonical
    JSON, which raises PolicyError for what is not JSON.
    """
    try:
        # A top-level list of StrEnum members (the gate's categories) is written
        # as the JSON encoder writes it: as plain text.
        items = [(key, _plain_strings(value)) for key, value in sorted(input.items())]
    except TypeError:  # keys of several types: not JSON
        return canonical_json(input)
    try:
        return marshal.dumps(items, _MARSHAL_VERSION)
    except (ValueError, TypeError):
        pass
    try:
        # A pickle starts with its protocol opcode, which no marshal starts with.
        return pickle.dumps(items, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
        return canonical_json(input)


def _plain_strings(value: Any) -> Any:
    """A list of ``str`` subclass members as their exact text; anything else as it is."""
    if type(value) is list and value and type(value[0]) is not str and isinstance(value[0], str):
        # A list that mixes in other types still fails marshal and is pickled.
        return list(map(str.__str__, value))
    return value


def canonical_json(value: Any) -> str:
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except (TypeError, ValueError, RecursionError) as exc:
        raise PolicyError(f"input is not JSON: {exc}") from exc


class CachedEngine:
    def __init__(self, inner: PolicyEngine, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._inner = inner
        self._max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def inner(self) -> PolicyEngine:
        """The engine asked on a miss."""
        return self._inner

    @property
    def revision(self) -> str:
        return self._inner.revision

    def lookup(self, key: Hashable) -> Any:
        """The value stored under ``key`` (None when there is none), now the most recent."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
        return value

    def store(self, key: Hashable, value: Any) -> None:
        """Keeps ``value``, which must never change, forgetting the least recently used."""
        if value is None:
            raise ValueError("None cannot be stored: it means a miss")
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        key = ("evaluate", self._inner.revision, rule, input_key(input))
        stored = self.lookup(key)
        if stored is not None:
            return _thaw(stored)
        # Evaluated outside the lock: two threads missing on one key both
        # evaluate, which is cheaper than serialising every miss.
        value = self._inner.evaluate(rule, input)
        frozen = _freeze(rule, value)
        self.store(key, frozen)
        return _thaw(frozen)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _JsonText(str):
    """A stored answer that is an object or array, kept as its JSON text."""


def _freeze(rule: str, value: Any) -> Any:
    # A rule's value may be null; it is stored as JSON text like any container,
    # since a stored None would read as a miss.
    if value is not None and isinstance(value, _SCALARS) and not isinstance(value, float):
        return value
    try:
        return _JsonText(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise PolicyError(f"{rule}: the engine answered no JSON value: {exc}") from exc


def _thaw(stored: Any) -> Any:
    if isinstance(stored, _JsonText):
        return json.loads(stored)
    return stored
