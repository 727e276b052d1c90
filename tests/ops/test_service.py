"""deploy/crossroads.service: what systemd makes of it, and the promises the README makes about it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "crossroads.service"
INSTALLED_COMMAND = "/opt/crossroads/venv/bin/crossroads"


def service_section() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        if section == "Service":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_the_unit_keeps_the_database_in_its_state_directory_and_restarts_on_failure() -> None:
    service = service_section()
    assert service["StateDirectory"] == ["crossroads"]
    assert "DATABASE_PATH=%S/crossroads/crossroads.db" in service["Environment"]
    assert service["EnvironmentFile"] == ["/etc/crossroads/crossroads.env"]
    assert service["Restart"] == ["on-failure"]
    assert service["ExecStart"] == [f"{INSTALLED_COMMAND} run"]


def test_the_unit_is_hardened() -> None:
    service = service_section()
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "DynamicUser": "yes",
    }.items():
        assert service.get(key) == [value], key


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # verify also checks that ExecStart's program exists; point it at this environment's command.
    command = Path(sys.executable).with_name("crossroads")
    assert command.exists(), "the crossroads command is not installed in this environment"
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text(encoding="utf-8").replace(INSTALLED_COMMAND, str(command)), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=120, check=False
    )
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if UNIT.name in line]
    assert result.returncode == 0, result.stderr
    assert complaints == []
