"""The policies folder as one loadable unit: Rego modules, settings data and a revision.

The files of ``policies/data/*.json`` each hold one JSON object; their top-level
keys (``matrix``, ``actions``, ``catalogue``) are merged and mounted at
``data.avhopp.settings``. Not at ``data.avhopp`` itself: ``data.avhopp.actions``
would then be both the action list and the package ``avhopp.actions``, which
OPA rejects as a rule reading its own package (recursion). An OPA server gets
the same mount with the loader prefix ``avhopp.settings:/policies/data``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from avhopp_shared.policy.engine import PolicyError

SETTINGS_MOUNT = ("avhopp", "settings")
#: The platform-wide setting naming the policies folder (ServiceSettings.policies_dir
#: reads it too): an image carries its policies beside the code, not above a package.
POLICIES_DIR_VARIABLE = "AVHOPP_POLICIES_DIR"
TEST_SUFFIX = "_test.rego"


@dataclass(frozen=True)
class PolicyBundle:
    """Rego sources by path relative to the policies folder, the mounted data, the revision."""

    modules: tuple[tuple[str, str], ...]
    settings: Mapping[str, Any]
    revision: str

    @property
    def data(self) -> dict[str, Any]:
        """The whole data document, settings at their mount point."""
        document: dict[str, Any] = dict(self.settings)
        for key in reversed(SETTINGS_MOUNT):
            document = {key: document}
        return document


def default_policies_dir() -> Path:
    """``policies/`` at the repository root: the nearest one above this package."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "policies"
        if (candidate / "data").is_dir():
            return candidate
    raise PolicyError(
        f"no policies/ folder above {Path(__file__).resolve()}; set {POLICIES_DIR_VARIABLE}"
    )


def policies_dir(configured: Path | None = None) -> Path:
    """The one policies folder of this process, for the engine, the field catalogue
    and the event audiences alike: ``configured`` (a service's ``policies_dir``
    setting), else ``AVHOPP_POLICIES_DIR``, else ``default_policies_dir()``.

    A migration reads no service settings, so the variable is read here as well:
    a service and its migrations cut events by the same policies."""
    if configured is None:
        named = os.environ.get(POLICIES_DIR_VARIABLE, "").strip()
        configured = Path(named) if named else None
    return (configured or default_policies_dir()).resolve()


def load_bundle(directory: Path | None = None, *, include_tests: bool = False) -> PolicyBundle:
    """Reads every ``.rego`` file (``*_test.rego`` only with ``include_tests``) and ``data/*.json``."""
    root = policies_dir(directory)
    if not root.is_dir():
        raise PolicyError(f"policies folder {root} does not exist")
    rego = sorted(
        path
        for path in root.rglob("*.rego")
        if include_tests or not path.name.endswith(TEST_SUFFIX)
    )
    data_files = sorted((root / "data").glob("*.json"))
    if not rego:
        raise PolicyError(f"no Rego modules in {root}")
    texts = {path.relative_to(root).as_posix(): _read(path) for path in [*rego, *data_files]}
    settings: dict[str, Any] = {}
    for path in data_files:
        name = path.relative_to(root).as_posix()
        for key, value in _settings_object(name, texts[name]).items():
            if key in settings:
                raise PolicyError(f"{name}: {key!r} is already set by another data file")
            settings[key] = value
    modules = tuple((name, texts[name]) for name in sorted(texts) if name.endswith(".rego"))
    return PolicyBundle(modules=modules, settings=settings, revision=_revision(texts))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read {path}: {exc}") from exc


def _settings_object(name: str, text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyError(f"{name} is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise PolicyError(f"{name} must hold a JSON object")
    return value


def _revision(texts: Mapping[str, str]) -> str:
    # Length-prefixed, so moving bytes between a name and a file changes the hash.
    digest = hashlib.sha256()
    for name in sorted(texts):
        for part in (name.encode(), texts[name].encode()):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()
