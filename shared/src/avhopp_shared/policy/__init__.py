"""Policy decisions: Rego in ``policies/``, evaluated by regorus in process or by an OPA server.

Build an engine once per process (``RegorusEngine(load_bundle())`` or
``OpaEngine(url)``, usually inside a ``CachedEngine``) and ask it through
``decide_access`` and ``action_allowed``, which fail closed.
"""

from avhopp_shared.policy.access_decision import (
    POLICY_UNAVAILABLE,
    UNDEFINED_IN_POLICY,
    AccessDecision,
    Basis,
    action_allowed,
    decide_access,
)
from avhopp_shared.policy.bundle import (
    PolicyBundle,
    default_policies_dir,
    load_bundle,
    policies_dir,
)
from avhopp_shared.policy.cache import CachedEngine
from avhopp_shared.policy.engine import PolicyEngine, PolicyError, UndefinedRule
from avhopp_shared.policy.opa_engine import OpaEngine
from avhopp_shared.policy.regorus_engine import RegorusEngine

__all__ = [
    "POLICY_UNAVAILABLE",
    "UNDEFINED_IN_POLICY",
    "AccessDecision",
    "Basis",
    "CachedEngine",
    "OpaEngine",
    "PolicyBundle",
    "PolicyEngine",
    "PolicyError",
    "RegorusEngine",
    "UndefinedRule",
    "action_allowed",
    "decide_access",
    "default_policies_dir",
    "load_bundle",
    "policies_dir",
]
