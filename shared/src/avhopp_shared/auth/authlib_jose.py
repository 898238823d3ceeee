"""Authlib's JOSE implementation, imported in one place.

Authlib 1.7+ warns at import that ``authlib.jose`` will be superseded by
``joserfc`` in Authlib 2.0. The module still works and is what the platform
standardises on, so exactly that one notice is silenced, here and nowhere
else; every other warning (including other Authlib deprecations) still shows.
"""

from __future__ import annotations

import warnings

from authlib.deprecate import AuthlibDeprecationWarning  # type: ignore[import-untyped]

__all__ = [
    "BadSignatureError",
    "ECKey",
    "ExpiredTokenError",
    "InvalidClaimError",
    "InvalidTokenError",
    "JoseError",
    "JsonWebKey",
    "JsonWebToken",
    "Key",
    "MissingClaimError",
    "RSAKey",
    "UnsupportedAlgorithmError",
]

with warnings.catch_warnings():
    warnings.filterwarnings(
        "ignore",
        message="authlib.jose module is deprecated",
        category=AuthlibDeprecationWarning,
    )
    from authlib.jose import (  # type: ignore[import-untyped]
        ECKey,
        JoseError,
        JsonWebKey,
        JsonWebToken,
        Key,
        RSAKey,
    )
    from authlib.jose.errors import (  # type: ignore[import-untyped]
        BadSignatureError,
        ExpiredTokenError,
        InvalidClaimError,
        InvalidTokenError,
        MissingClaimError,
        UnsupportedAlgorithmError,
    )
