"""The token CLI mints tokens the platform accepts, for exactly the demo clients."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from avhopp_shared.auth.caller import Agency, Caller
from avhopp_shared.auth.local_issuer import DEMO_CLIENTS, LocalIssuer
from avhopp_shared.auth.token_cli import main
from avhopp_shared.auth.tokens import TokenValidator


async def test_a_minted_token_is_accepted_as_the_demo_client(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_path = tmp_path / "issuer" / "es256.pem"
    argv = ["--client", "police-syd", "--key-path", str(key_path), "--issuer", "avhopp-test"]

    assert main([*argv, "--lifetime", "600"]) == 0
    token = capsys.readouterr().out.strip()

    issuer = LocalIssuer(key_path, "avhopp-test", "avhopp")
    validator = TokenValidator("avhopp-test", "avhopp", issuer.key_source())
    caller = await validator.validate(token)
    assert caller == Caller("police-syd", Agency.POLICE, "polisen-region-syd", "samordnare-1")


def test_the_signing_key_is_created_private_to_its_owner(tmp_path: Path) -> None:
    key_path = tmp_path / "var" / "issuer" / "es256.pem"
    assert main(["--client", "social-lund", "--key-path", str(key_path)]) == 0
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600


def test_the_same_key_file_keeps_the_same_kid(tmp_path: Path) -> None:
    key_path = tmp_path / "es256.pem"
    assert LocalIssuer(key_path).kid == LocalIssuer(key_path).kid


def test_the_list_names_every_agency(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    listing = capsys.readouterr().out
    for client_id in DEMO_CLIENTS:
        assert client_id in listing
    listed_agencies = {line.split()[1] for line in listing.splitlines()}
    assert listed_agencies == {agency.value for agency in Agency}


def test_an_unknown_client_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exit_code = main(["--client", "tax-agency", "--key-path", str(tmp_path / "k.pem")])
    assert exit_code != 0
    output = capsys.readouterr()
    assert output.out == ""
    assert "unknown client 'tax-agency'" in output.err
    assert not (tmp_path / "k.pem").exists()


def test_no_demo_token_is_minted_where_no_service_trusts_the_local_issuer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AVHOPP_BUS", "kafka")
    key_path = tmp_path / "issuer" / "es256.pem"

    assert main(["--client", "police-syd", "--key-path", str(key_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "AVHOPP_AUTH_JWKS_URL must be set" in err
    assert not key_path.exists()
