"""The lock files (requirements.txt, requirements-dev.txt) still satisfy pyproject.toml.

After a dependency is added or its range changed in pyproject.toml, `make lock` brings them
back in line; until then this fails and names what is missing or out of range.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)\s*(?:;\s*(?P<marker>[^\\]+?))?\s*\\?$")


def pins(lock: Path) -> dict[str, Version]:
    """name -> version for every pin that applies to this interpreter and platform."""
    found: dict[str, Version] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match is None:
            continue
        marker = match["marker"]
        if marker and not Marker(marker).evaluate():
            continue
        name = canonicalize_name(match["name"])
        assert name not in found, f"{lock.name} pins {name} twice for this platform"
        found[name] = Version(match["version"])
    return found


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    if extra is not None:
        requirements += [Requirement(text) for text in project["optional-dependencies"][extra]]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


@pytest.mark.parametrize(("lock", "extra"), [("requirements.txt", None), ("requirements-dev.txt", "dev")])
def test_the_lock_satisfies_pyproject(lock: str, extra: str | None) -> None:
    locked = pins(ROOT / lock)
    problems = []
    for requirement in declared(extra):
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement.name} is not in {lock}")
        elif not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(f"{lock} pins {name}=={locked[name]}, outside {requirement}")
    assert not problems, "; ".join(problems) + ". Run `make lock`."


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt"])
def test_every_pin_carries_hashes(lock: str) -> None:
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if PIN.match(line):
            assert index + 1 < len(lines) and "--hash=sha256:" in lines[index + 1], f"{line} has no hash"


def test_the_runtime_lock_agrees_with_the_dev_lock() -> None:
    runtime, dev = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-dev.txt")
    assert {name: dev.get(name) for name in runtime} == runtime
