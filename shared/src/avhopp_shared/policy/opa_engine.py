"""An OPA server as the policy engine, through its Data API (``POST /v1/data/<path>``).

``opa_client``'s synchronous client blocks on HTTP (requests): call
:meth:`OpaEngine.evaluate` from a worker thread in async code (e.g.
``anyio.to_thread.run_sync``). The wall time of one evaluation is bounded by
``timeout`` (connect, and each read of the answer); there are no retries by
default, so an unreachable server fails closed at once instead of after a
backoff. Each thread gets its own client, as a requests session is not
documented as thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from opa_client import OpaClient  # type: ignore[import-untyped]

from avhopp_shared.policy.engine import FATAL_EXCEPTIONS, PolicyError, UndefinedRule, rule_path

DEFAULT_PORTS = {"http": 80, "https": 443}


class OpaEngine:
    def __init__(
        self, url: str, timeout: float = 1.0, *, revision: str | None = None, retries: int = 0
    ) -> None:
        """``url`` is the server root (``http://opa:8181``).

        ``revision`` names the policies the server runs. The Data API does not
        report one for a plain policies folder, so by default it is the URL:
        a CachedEngine over this engine then keeps its decisions until the
        process restarts, and a deployment that reloads OPA's policies should
        pass a revision that changes with them.
        """
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise PolicyError(f"not an OPA server URL: {url!r}")
        self._client_options: dict[str, Any] = {
            "host": parts.hostname,
            "port": parts.port or DEFAULT_PORTS[parts.scheme],
            "ssl": parts.scheme == "https",
            "timeout": timeout,
            "retries": retries,
        }
        self._revision = revision or f"opa:{parts.scheme}://{parts.netloc}"
        self._local = threading.local()
        self._clients: list[Any] = []
        self._lock = threading.Lock()

    @property
    def revision(self) -> str:
        return self._revision

    def evaluate(self, rule: str, input: Mapping[str, Any]) -> Any:
        path = rule_path(rule)
        try:
            body = self._client().query_rule(
                dict(input), package_path="/".join(path[:-1]), rule_name=path[-1]
            )
        except FATAL_EXCEPTIONS:
            raise
        except BaseException as exc:  # requests, JSON and HTTP status errors alike
            raise PolicyError(f"{rule}: OPA did not answer: {type(exc).__name__}: {exc}") from exc
        if not isinstance(body, dict):
            raise PolicyError(f"{rule}: OPA answered something other than an object")
        if "result" not in body:
            raise UndefinedRule(f"{rule} is undefined")
        return body["result"]

    def close(self) -> None:
        """Closes every client this engine opened, in whichever thread."""
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close_connection()

    def _client(self) -> Any:
        client = getattr(self._local, "client", None)
        if client is None:
            client = OpaClient(**self._client_options)
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client
