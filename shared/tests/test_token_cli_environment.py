"""`make token` mints a token the platform `make run` starts verifies: it reads the
AVHOPP_ variables the services read (README, "Configuration"), never unprefixed
ENVIRONMENT, VAR_DIR, AUTH_AUDIENCE or AUTH_ISSUER, which a shell or CI runner may
export for something else."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from avhopp_shared.auth import token_cli


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    claims: dict[str, object] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _mint(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = token_cli.main(["--client", "police-syd"])
    return status, capsys.readouterr().out.strip()


def test_make_token_works_with_an_unrelated_environment_variable_set(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A shell or CI runner commonly exports ENVIRONMENT; `make run` ignores it
    # (it reads AVHOPP_ENVIRONMENT), so `make token` must too.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENVIRONMENT", "production")

    status, token = _mint(capsys)

    assert status == 0
    assert token.count(".") == 2


def test_make_token_mints_for_the_audience_and_key_the_platform_verifies(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTH_AUDIENCE", "some-other-api")
    monkeypatch.setenv("AUTH_ISSUER", "https://idp.example")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "elsewhere"))

    status, token = _mint(capsys)

    assert status == 0
    # What `make run` verifies with no AVHOPP_ variable set: iss avhopp-local,
    # aud avhopp, signed by var/issuer/es256.pem.
    claims = _claims(token)
    assert (claims["iss"], claims["aud"]) == ("avhopp-local", "avhopp")
    assert (tmp_path / "var" / "issuer" / "es256.pem").exists()
    assert not (tmp_path / "elsewhere").exists()
