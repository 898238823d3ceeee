"""The in-process engine: regorus (a Rust Rego interpreter), one instance per thread.

A ``regorus.Engine`` is bound to the thread that made it: using it from another
raises ``PanicException``, a BaseException. So each thread builds its own from
the bundle on first use (a few milliseconds), and evaluation never crosses
threads. An evaluation typically takes under a millisecond and runs in the calling
thread; it cannot be interrupted, which is why ``decide_access`` enforces its
timeout by discarding late answers rather than by cancelling.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

import regorus

from avhopp_shared.policy.bundle import PolicyBundle
from avhopp_shared.policy.engine import FATAL_EXCEPTIONS, PolicyError, UndefinedRule, rule_path


def build_engine(bundle: PolicyBundle) -> Any:
    """A fresh ``regorus.Engine`` holding the bundle's modules and data."""
    engine = regorus.Engine()
    for name, text in bundle.modules:
        engine.add_policy(name, text)
    engine.add_data_json(json.dumps(bundle.data))
    return engine


class RegorusEngine:
    def __init__(self, bundle: PolicyBundle) -> None:
        self._bundle = bundle
        self._local = threading.local()
        # Built now, so a bundle that does not compile fails at start-up.
        self._engine()

    @property
    def revision(self) -> str:
        return self._bundle.revision

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        rule_path(rule)
        try:
            text = json.dumps(input)
        except (TypeError, ValueError) as exc:
            raise PolicyError(f"input is not JSON: {exc}") from exc
        try:
            engine = self._engine()
            engine.set_input_json(text)
            value = engine.eval_rule(rule)
        except FATAL_EXCEPTIONS:
            raise
        except BaseException as exc:  # PanicException derives from BaseException.
            raise PolicyError(f"{rule}: {type(exc).__name__}: {_message(exc)}") from exc
        # regorus answers None for an undefined rule; no rule here is ever null.
        if value is None:
            raise UndefinedRule(f"{rule} is undefined")
        return _plain_json(value)

    def _engine(self) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            try:
                engine = build_engine(self._bundle)
            except FATAL_EXCEPTIONS:
                raise
            except BaseException as exc:
                raise PolicyError(f"policies do not load: {_message(exc)}") from exc
            self._local.engine = engine
        return engine


def _message(exc: BaseException) -> str:
    # regorus appends a Rust backtrace to its messages; what precedes it says what happened.
    text = str(exc).split("Stack backtrace:")[0]
    return " ".join(text.split())[:500]


def _plain_json(value: Any) -> Any:
    """Rego sets arrive as Python sets; the Data API answers them as arrays."""
    if isinstance(value, dict):
        return {key: _plain_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_json(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain_json(item) for item in value), key=json.dumps)
    return value
