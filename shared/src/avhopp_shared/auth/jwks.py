"""Where token signing keys come from: a fixed key set, or an issuer's JWKS URL.

A :class:`KeySource` answers ``key_for(kid)`` from memory only: validating a
token with a known key never waits on the network. When a token names a key
the source does not hold, the validator awaits ``refresh()`` once and asks
again; that is how a rotated issuer key is picked up. A source that could not
learn the issuer's current keys says so with :class:`KeysUnavailable`: such a
token is then neither known nor unknown, and the caller is owed a 503, not a
401 blaming its credentials.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

import httpx

from avhopp_shared.auth.authlib_jose import JsonWebKey, Key

log = logging.getLogger("avhopp.auth")

# Only signature keys of the types our algorithm allow-list can use: a
# symmetric ("oct") key in a published set must never become a verifier.
_SIGNING_KEY_TYPES = frozenset({"EC", "RSA"})


class KeysUnavailable(Exception):
    """The issuer's current keys could not be fetched, so a key id cannot be judged.

    ``retry_after_seconds`` is when asking again may help (at least one second).
    """

    def __init__(self, retry_after_seconds: float) -> None:
        super().__init__("the token issuer's signing keys could not be fetched")
        self.retry_after_seconds = max(1, math.ceil(retry_after_seconds))


class KeySource(Protocol):
    def key_for(self, kid: str) -> Key | None:
        """The verification key named ``kid``, from memory; ``None`` when not held."""
        ...

    async def refresh(self) -> None:
        """Look for keys not yet held, if this source can and may do so now.

        Raises :class:`KeysUnavailable` when the source could not learn the
        issuer's current keys (its last fetch failed); keys it still holds
        from before stay usable through ``key_for``.
        """
        ...


def signing_keys(jwks: Mapping[str, Any]) -> dict[str, Key]:
    """The usable signature keys of a JWKS document, by ``kid``.

    Keys without a ``kid``, of another type or meant for encryption are
    skipped; a repeated ``kid`` makes the whole set ambiguous and is refused.
    """
    entries = jwks.get("keys")
    if not isinstance(entries, list):
        raise ValueError("a JWKS document needs a 'keys' list")
    keys: dict[str, Key] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") not in _SIGNING_KEY_TYPES:
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid or entry.get("use", "sig") != "sig":
            continue
        if kid in keys:
            raise ValueError("a JWKS document names one kid twice")
        keys[kid] = JsonWebKey.import_key(entry)
    return keys


class StaticKeySource:
    """A key set fixed at construction (the embedded issuer's own keys, tests)."""

    def __init__(self, jwks: Mapping[str, Any]) -> None:
        self._keys = signing_keys(jwks)

    def key_for(self, kid: str) -> Key | None:
        return self._keys.get(kid)

    async def refresh(self) -> None:
        return None


class RemoteKeySource:
    """An issuer's JWKS, fetched over HTTP and kept in memory.

    The set is fetched on first need, again once it is ``ttl_seconds`` old,
    and again when a token names an unknown ``kid`` — but never more often
    than once per ``min_refresh_interval_seconds``, so a flood of tokens with
    made-up key ids cannot make us hammer the issuer. A failed fetch keeps the
    last good set for another interval: an issuer outage must not log every
    caller out.

    After a failed fetch the next attempt waits only
    ``failed_fetch_backoff_seconds``: until a fetch succeeds, every token with
    a key not held is refused with :class:`KeysUnavailable` (a 503), so the
    source must notice the issuer's recovery within moments, not after the
    full interval. One fetch per backoff still spares an issuer that is down.

    Thread and event-loop use: ``key_for`` is a dictionary read, safe from any
    thread. ``refresh`` may be awaited from any event loop (or thread running
    one); the blocking HTTP fetch runs on this source's own single worker
    thread, and concurrent callers share the one fetch in flight instead of
    queueing new ones. Call :meth:`close` when done with the source.
    """

    def __init__(
        self,
        url: str,
        *,
        ttl_seconds: float = 300,
        min_refresh_interval_seconds: float = 30,
        failed_fetch_backoff_seconds: float = 1,
        http_timeout: float = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < min_refresh_interval_seconds <= ttl_seconds:
            raise ValueError("need 0 < min_refresh_interval_seconds <= ttl_seconds")
        if not 0 < failed_fetch_backoff_seconds <= min_refresh_interval_seconds:
            raise ValueError(
                "need 0 < failed_fetch_backoff_seconds <= min_refresh_interval_seconds"
            )
        self._url = url
        self._ttl = ttl_seconds
        self._min_interval = min_refresh_interval_seconds
        self._failure_backoff = failed_fetch_backoff_seconds
        self._http_timeout = http_timeout
        self._clock = clock
        self._keys: dict[str, Key] = {}
        self._fresh_until: float | None = None
        self._last_attempt: float | None = None
        self._last_fetch_failed = False
        self._in_flight: Future[bool] | None = None
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jwks-fetch")

    def key_for(self, kid: str) -> Key | None:
        fresh_until = self._fresh_until
        if fresh_until is None or self._clock() >= fresh_until:
            return None
        return self._keys.get(kid)

    async def refresh(self) -> None:
        with self._lock:
            if self._in_flight is None:
                now = self._clock()
                spacing = self._failure_backoff if self._last_fetch_failed else self._min_interval
                if self._last_attempt is not None and now - self._last_attempt < spacing:
                    if self._last_fetch_failed:
                        raise KeysUnavailable(spacing - (now - self._last_attempt))
                    return
                self._last_attempt = now
                self._in_flight = self._worker.submit(self._fetch)
            in_flight = self._in_flight
        # Shielded: one waiter giving up must not cancel the fetch the others await.
        fetched = await asyncio.shield(asyncio.wrap_future(in_flight))
        if not fetched:
            raise KeysUnavailable(self._failure_backoff)

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    def _fetch(self) -> bool:
        """Whether the issuer answered with a usable key set."""
        keys: dict[str, Key] | None = None
        try:
            response = httpx.get(self._url, timeout=self._http_timeout, follow_redirects=False)
            response.raise_for_status()
            keys = signing_keys(response.json())
        except Exception as error:
            # Whatever the issuer answered, a bad answer is a failed fetch, not a crash.
            log.warning("JWKS fetch failed", extra={"error": type(error).__name__})
        finally:
            with self._lock:
                now = self._clock()
                if keys is not None:
                    self._keys, self._fresh_until = keys, now + self._ttl
                elif self._keys:
                    self._fresh_until = now + self._min_interval
                self._last_fetch_failed = keys is None
                self._in_flight = None
        return keys is not None
