"""One policies folder per process: the engine, the field catalogue and the event
audiences (migrations included) all read the folder ``AVHOPP_POLICIES_DIR`` or a
service's ``policies_dir`` setting names.

ACCESS.md: every disclosure is decided by the matrix, and the catalogue says which
category each field is of; a catalogue read from another folder than the matrix
would classify fields by rules the engine does not evaluate.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

import avhopp_social
from avhopp_shared.access import event_audiences
from avhopp_shared.access.event_audiences import EventAudiences
from avhopp_shared.db.engine import create_engine
from avhopp_shared.db.migrate import upgrade_to_head
from avhopp_shared.policy.bundle import POLICIES_DIR_VARIABLE, default_policies_dir, policies_dir
from avhopp_shared.security_wiring import field_catalogue
from avhopp_social.settings import SocialSettings

ROOT = Path(__file__).resolve().parents[1]
SOCIAL_MIGRATIONS = Path(avhopp_social.__file__).parent / "migrations"


class PoliciesDirMarker(BaseModel):
    """A model only a copied catalogue classifies: which folder was read shows."""

    marker: str


def _copied_policies(target: Path) -> Path:
    """The repository's policies, with one more catalogue entry (``PoliciesDirMarker``)."""
    copied = Path(shutil.copytree(default_policies_dir(), target))
    path = copied / "data" / "catalogue.json"
    catalogue = json.loads(path.read_text())
    catalogue["catalogue"][PoliciesDirMarker.__name__] = {"marker": "case_ref"}
    path.write_text(json.dumps(catalogue))
    return copied


def test_the_setting_wins_over_the_variable_which_wins_over_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(POLICIES_DIR_VARIABLE, raising=False)
    assert policies_dir() == default_policies_dir().resolve()
    monkeypatch.setenv(POLICIES_DIR_VARIABLE, str(tmp_path / "named"))
    assert policies_dir() == (tmp_path / "named").resolve()
    assert policies_dir(tmp_path / "configured") == (tmp_path / "configured").resolve()


def test_a_services_catalogue_is_read_from_its_policies_dir_setting(tmp_path: Path) -> None:
    copied = _copied_policies(tmp_path / "policies")
    settings = SocialSettings(policies_dir=copied)
    assert field_catalogue(settings).category_of(PoliciesDirMarker, "marker") is not None
    shipped = field_catalogue(SocialSettings())
    assert shipped.category_of(PoliciesDirMarker, "marker") is None


def test_the_catalogue_and_the_event_audiences_read_the_policies_dir_variable(
    tmp_path: Path,
) -> None:
    # A process whose code has no policies/ above it (an image): only the
    # variable can name them, for the catalogue and the audiences as for the engine.
    code = tmp_path / "code"
    shutil.copytree(
        ROOT / "shared" / "src", code, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    copied = _copied_policies(tmp_path / "mounted")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AVHOPP_")}
    env |= {POLICIES_DIR_VARIABLE: str(copied), "PYTHONPATH": str(code)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    script = f"""
import avhopp_shared
assert avhopp_shared.__file__.startswith({str(code)!r}), avhopp_shared.__file__
from pydantic import BaseModel
from avhopp_shared.access.catalogue import platform_catalogue
from avhopp_shared.access.event_audiences import platform_audiences
class {PoliciesDirMarker.__name__}(BaseModel):
    marker: str
assert platform_catalogue().category_of({PoliciesDirMarker.__name__}, "marker") is not None
platform_audiences()
print("read")
"""
    ran = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr.strip().splitlines()[-1:]
    assert ran.stdout.strip() == "read"


async def test_a_migration_cuts_events_by_the_services_policies_dir_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _copied_policies(tmp_path / "policies")
    asked: list[Path | None] = []
    platform_audiences = event_audiences.platform_audiences

    def recording(directory: Path | None = None) -> EventAudiences:
        asked.append(directory)
        return platform_audiences(directory)

    # The split into one copy per agency (social's 0022) is the migration that cuts events.
    monkeypatch.setattr(event_audiences, "platform_audiences", recording)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'social.db'}")
    try:
        await upgrade_to_head(engine, SOCIAL_MIGRATIONS, policies_dir=copied)
    finally:
        await engine.dispose()
    assert asked
    assert {policies_dir(directory) for directory in asked} == {copied.resolve()}
