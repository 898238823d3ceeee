"""Loading ``policies/``: what goes in, where the data is mounted, and the revision."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from avhopp_shared.policy import PolicyError, RegorusEngine, default_policies_dir, load_bundle


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    """A private copy of the repository's policies folder."""
    return Path(shutil.copytree(default_policies_dir(), tmp_path / "policies"))


def test_the_default_folder_is_the_repository_policies_folder() -> None:
    folder = default_policies_dir()
    assert folder.name == "policies"
    assert (folder / "data" / "matrix.json").is_file()


def test_rego_tests_are_loaded_only_when_asked_for(policies: Path) -> None:
    names = [name for name, _ in load_bundle(policies).modules]
    with_tests = [name for name, _ in load_bundle(policies, include_tests=True).modules]
    assert "access/decision.rego" in names
    assert not any(name.endswith("_test.rego") for name in names)
    assert "access/consent_test.rego" in with_tests


def test_data_files_are_mounted_at_avhopp_settings(policies: Path) -> None:
    bundle = load_bundle(policies)
    assert set(bundle.data) == {"avhopp"}
    assert set(bundle.data["avhopp"]) == {"settings"}
    assert {"matrix", "actions"} <= set(bundle.settings)
    assert bundle.settings["matrix"]["protected_location"]["police"] == "team"


def test_the_revision_changes_with_any_file_and_only_then(policies: Path) -> None:
    first = load_bundle(policies).revision
    assert load_bundle(policies).revision == first
    matrix = policies / "data" / "matrix.json"
    matrix.write_text(matrix.read_text().replace('"followup":', '"followup" :'))
    second = load_bundle(policies).revision
    (policies / "lib" / "window.rego").rename(policies / "lib" / "windows.rego")
    third = load_bundle(policies).revision
    assert len({first, second, third}) == 3


def test_a_test_file_changes_the_revision_only_of_a_bundle_holding_tests(policies: Path) -> None:
    before = load_bundle(policies).revision
    before_with_tests = load_bundle(policies, include_tests=True).revision
    test_file = policies / "access" / "own_test.rego"
    test_file.write_text(test_file.read_text() + "\n")
    assert load_bundle(policies).revision == before
    assert load_bundle(policies, include_tests=True).revision != before_with_tests


def test_two_data_files_setting_one_key_are_refused(policies: Path) -> None:
    (policies / "data" / "extra.json").write_text('{"matrix": {}}')
    with pytest.raises(PolicyError, match="already set"):
        load_bundle(policies)


def test_a_data_file_that_is_not_an_object_is_refused(policies: Path) -> None:
    (policies / "data" / "extra.json").write_text("[1, 2]")
    with pytest.raises(PolicyError, match="JSON object"):
        load_bundle(policies)


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist"):
        load_bundle(tmp_path / "nowhere")


def test_policies_that_do_not_compile_fail_when_the_engine_is_built(policies: Path) -> None:
    (policies / "lib" / "broken.rego").write_text("package avhopp.lib\n\nbroken if {\n")
    with pytest.raises(PolicyError, match="do not load"):
        RegorusEngine(load_bundle(policies))
