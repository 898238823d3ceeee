"""The in-process engine: regorus (a Rust Rego engine), one instance per thread.

A ``regorus.Engine`` (the interpreter) and a ``regorus.Rvm`` (the virtual
machine running a compiled ``regorus.Program``) are bound to the thread that
made them: using one from another raises ``PanicException``, a BaseException.
So each thread builds its own from the bundle on first use (a few
milliseconds), and evaluation never crosses threads. Nor does dropping them:
they are kept per thread (not in the engine, whose last reference may go on
any thread, the garbage collector's included), and an engine that is gone
only marks its objects retired; each thread drops its own on its next use of
any engine, or when it ends. An evaluation runs in the
calling thread and cannot be interrupted, which is why ``decide_access``
enforces its timeout by discarding late answers rather than by cancelling.

The rules services ask on every request (:data:`COMPILED_RULES`) run as a
compiled program, several times faster than the interpreter; every other rule,
and every rule of an engine made with ``compiled_rules=()``, is interpreted.
``shared/tests/test_policy_compiled.py`` holds the two to identical decisions.
Answers are read as JSON text. regorus writes an undefined rule's answer as the
string ``"<undefined>"``, and the virtual machine also writes it where it
failed to find a value the interpreter would have left the whole rule
undefined for; an answer holding that string anywhere is therefore an
undefined rule (a fault: ``decide_access`` withholds everything), never an
answer.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Collection, Mapping
from typing import Any

import regorus

from avhopp_shared.policy.bundle import PolicyBundle
from avhopp_shared.policy.engine import FATAL_EXCEPTIONS, PolicyError, UndefinedRule, rule_path

#: The disclosure and the action decision.
COMPILED_RULES = ("data.avhopp.access.decision", "data.avhopp.actions.allow")
#: How regorus writes "no value" in a JSON answer: the whole answer of an
#: undefined rule (either engine), or a value the virtual machine failed to find.
UNDEFINED_JSON = json.dumps("<undefined>")

# Strict JSON: NaN and infinities are refused (``allow_nan``), as anything
# else that is not JSON; without the circular-reference check, which halves
# the encoding time, a circular input fails on recursion depth instead.
_ENCODER = json.JSONEncoder(check_circular=False, allow_nan=False, separators=(",", ":"))


def build_engine(bundle: PolicyBundle) -> Any:
    """A fresh ``regorus.Engine`` holding the bundle's modules and data."""
    engine = regorus.Engine()
    for name, text in bundle.modules:
        engine.add_policy(name, text)
    engine.add_data_json(json.dumps(bundle.data))
    return engine


def build_program(bundle: PolicyBundle, rules: Collection[str]) -> tuple[Any, Any]:
    """``(program, vm)``: the bundle compiled for ``rules``, loaded with its data into a VM."""
    data = json.dumps(bundle.data)
    program = regorus.Program.compile_from_modules(data, list(bundle.modules), list(rules))
    vm = regorus.Rvm()
    vm.load_program(program)
    # The program does not carry the data it was compiled with: without this
    # every data reference would read as empty.
    vm.set_data_json(data)
    return program, vm


class _ThreadObjects:
    """One engine's regorus objects on one thread."""

    __slots__ = ("engine", "program", "vm")

    def __init__(self) -> None:
        self.engine: Any = None
        self.program: Any = None
        self.vm: Any = None


#: Per thread: {engine serial: that engine's objects on this thread}.
_per_thread = threading.local()
#: Serials of engines that are gone; their objects are dropped by the thread
#: that holds them, on its next use of any engine (see the module's doc).
_retired: set[int] = set()
_serials = itertools.count(1)


def _objects(serial: int) -> _ThreadObjects:
    held: dict[int, _ThreadObjects] | None = getattr(_per_thread, "held", None)
    if held is None:
        held = _per_thread.held = {}
        _per_thread.retired_seen = 0
    if len(_retired) != _per_thread.retired_seen:
        for gone in [key for key in held if key in _retired]:
            del held[gone]
        _per_thread.retired_seen = len(_retired)
    objects = held.get(serial)
    if objects is None:
        objects = held[serial] = _ThreadObjects()
    return objects


class RegorusEngine:
    def __init__(
        self, bundle: PolicyBundle, *, compiled_rules: Collection[str] = COMPILED_RULES
    ) -> None:
        self._bundle = bundle
        self._compiled = frozenset(compiled_rules)
        self._serial = next(_serials)
        weakref.finalize(self, _retired.add, self._serial)
        # Built now, so a bundle that does not compile fails at start-up.
        self._engine()
        if self._compiled:
            self._vm()

    @property
    def bundle(self) -> PolicyBundle:
        return self._bundle

    @property
    def compiled_rules(self) -> frozenset[str]:
        return self._compiled

    @property
    def revision(self) -> str:
        return self._bundle.revision

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        rule_path(rule)
        try:
            text = _ENCODER.encode(input)
        except (TypeError, ValueError, RecursionError) as exc:
            raise PolicyError(f"input is not JSON: {exc}") from exc
        try:
            if rule in self._compiled:
                vm = self._vm()
                vm.set_input_json(text)
                answer = vm.execute_entry_point(rule)
            else:
                engine = self._engine()
                engine.set_input_json(text)
                answer = engine.eval_rule_as_json(rule)
        except FATAL_EXCEPTIONS:
            raise
        except BaseException as exc:  # PanicException derives from BaseException.
            raise PolicyError(f"{rule}: {type(exc).__name__}: {_message(exc)}") from exc
        if UNDEFINED_JSON in answer:
            raise UndefinedRule(f"{rule} is undefined (or holds an undefined value)")
        # JSON text: sets arrive as arrays, as the Data API answers them.
        value = json.loads(answer)
        # No rule here is ever null; a null answer is no answer.
        if value is None:
            raise UndefinedRule(f"{rule} is undefined")
        return value

    def _engine(self) -> Any:
        objects = _objects(self._serial)
        if objects.engine is None:
            objects.engine = self._build(lambda: build_engine(self._bundle))
        return objects.engine

    def _vm(self) -> Any:
        objects = _objects(self._serial)
        if objects.vm is None:
            # The program is bound to this thread too; it lives as long as its VM.
            objects.program, objects.vm = self._build(
                lambda: build_program(self._bundle, sorted(self._compiled))
            )
        return objects.vm

    @staticmethod
    def _build(make: Any) -> Any:
        try:
            return make()
        except FATAL_EXCEPTIONS:
            raise
        except BaseException as exc:
            raise PolicyError(f"policies do not load: {_message(exc)}") from exc


def _message(exc: BaseException) -> str:
    # regorus appends a Rust backtrace to its messages; what precedes it says what happened.
    text = str(exc).split("Stack backtrace:")[0]
    return " ".join(text.split())[:500]
