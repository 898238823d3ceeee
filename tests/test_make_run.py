"""`make run`'s process: four real HTTP servers in one process, one bus, clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fixtures.broker import free_port
from tests.fixtures.people import application_body

SERVICES = ("intake", "threat", "social", "followup")


def _wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"{text!r} never printed; got {lines!r}")


def _token(env: dict[str, str], client: str) -> str:
    """What a user does: mint a demo token with the CLI against the running platform's issuer."""
    minted = subprocess.run(
        [sys.executable, "-m", "avhopp_shared.auth.token_cli", "--client", client],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return minted.stdout.strip()


def test_the_embedded_platform_serves_every_service_on_its_own_port_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    ports = {name: free_port() for name in SERVICES}
    env = {
        **os.environ,
        "AVHOPP_VAR_DIR": str(tmp_path),
        "AVHOPP_LOG_LEVEL": "WARNING",
        **{f"AVHOPP_{name.upper()}_PORT": str(port) for name, port in ports.items()},
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "avhopp_shared.platform"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = "".join(_wait_for_line(process, "Stop with Ctrl-C", timeout=60))
        for name, port in ports.items():
            assert f"http://127.0.0.1:{port}/docs" in printed, name
            assert (tmp_path / f"{name}.db").exists(), f"{name} has its own database file"

        assert "make token" in printed
        social, police = (_token(env, name) for name in ("social-malmo", "police-syd"))
        with httpx.Client(timeout=10) as client:
            for port in ports.values():
                assert client.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
            anonymous = client.post(
                f"http://127.0.0.1:{ports['intake']}/applications", json=application_body()
            )
            assert anonymous.status_code == 401
            client.headers["Authorization"] = f"Bearer {social}"
            created = client.post(
                f"http://127.0.0.1:{ports['intake']}/applications", json=application_body()
            )
            assert created.status_code == 201
            case_id = created.json()["case_id"]
            deadline = time.monotonic() + 10
            path = f"http://127.0.0.1:{ports['threat']}/cases/{case_id}/threat-assessment-task"
            client.headers["Authorization"] = f"Bearer {police}"
            while client.get(path).status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert client.get(path).json()["status"] == "pending"
            docs = client.get(f"http://127.0.0.1:{ports['social']}/openapi.json").json()
            assert "/cases/{case_id}/investigation" in docs["paths"]

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
