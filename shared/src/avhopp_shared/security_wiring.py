"""Builds a service's token validator and policy engine from its settings.

Both are process-wide: the services of one process share one engine (its
decision cache included) and, in embedded mode, one local issuer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from avhopp_shared.access.catalogue import Catalogue, platform_catalogue
from avhopp_shared.auth.jwks import KeySource, RemoteKeySource
from avhopp_shared.auth.local_issuer import LocalIssuer
from avhopp_shared.auth.tokens import TokenValidator
from avhopp_shared.policy.bundle import load_bundle, policies_dir
from avhopp_shared.policy.cache import CachedEngine
from avhopp_shared.policy.engine import PolicyEngine
from avhopp_shared.policy.opa_engine import OpaEngine
from avhopp_shared.policy.regorus_engine import RegorusEngine
from avhopp_shared.settings import ServiceSettings


@cache
def local_issuer(key_path: Path, issuer: str, audience: str) -> LocalIssuer:
    return LocalIssuer(key_path, issuer, audience)


@cache
def _remote_keys(url: str) -> RemoteKeySource:
    return RemoteKeySource(url)


def token_validator(settings: ServiceSettings) -> TokenValidator:
    keys: KeySource
    if settings.auth_jwks_url:
        keys = _remote_keys(settings.auth_jwks_url)
    else:
        keys = local_issuer_for(settings).key_source()
    return TokenValidator(
        settings.auth_issuer,
        settings.auth_audience,
        keys,
        leeway_seconds=settings.auth_leeway_seconds,
    )


def local_issuer_for(settings: ServiceSettings) -> LocalIssuer:
    """The local issuer a service trusts and serves the JWKS of.

    Refused (``LocalIssuerRefused``) unless the settings allow it, so that no
    service starts trusting a key on its own disk by omission of a JWKS URL.
    """
    settings.check_local_issuer_allowed()
    return local_issuer(
        settings.issuer_key_path.resolve(), settings.auth_issuer, settings.auth_audience
    )


@cache
def _engine(kind: str, policies_dir: Path, opa_url: str | None) -> PolicyEngine:
    inner: PolicyEngine
    if kind == "opa":
        assert opa_url is not None
        # The server runs the policies the service was built with (docker-compose.yml
        # mounts the same folder): their revision keys the decision cache and names
        # the policies in every audit entry, so a deployment of new policies (OPA and
        # the services restarted with them) never answers from old decisions.
        inner = OpaEngine(opa_url, revision=f"opa:{load_bundle(policies_dir).revision}")
    else:
        inner = RegorusEngine(load_bundle(policies_dir))
    return CachedEngine(inner)


def policy_engine(settings: ServiceSettings) -> PolicyEngine:
    return _engine(settings.policy_engine, policies_dir(settings.policies_dir), settings.opa_url)


def field_catalogue(settings: ServiceSettings) -> Catalogue:
    """The field catalogue beside the policies ``policy_engine`` evaluates (one folder)."""
    return platform_catalogue(policies_dir(settings.policies_dir))
