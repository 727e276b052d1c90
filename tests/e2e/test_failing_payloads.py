"""A test whose bot sends what Discord would refuse fails, even when its own assertions pass."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

INNER = """
import aiohttp
import pytest


async def send(standin, payload):
    url = f"{standin.api_base}/channels/{standin.channel.id}/messages"
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession() as session, session.post(url, json=payload, headers=headers) as response:
        return response.status


async def test_over_the_limit_without_saying_so(standin):
    assert await send(standin, {"content": "x" * 2001}) == 400


@pytest.mark.expect_failures("limit")
async def test_over_the_limit_on_purpose(standin):
    assert await send(standin, {"content": "x" * 2001}) == 400


async def test_declared_inside_the_test(standin):
    standin.expect_failures("limit")
    assert await send(standin, {"embeds": [{"title": "t" * 257}]}) == 400


async def test_within_the_limits(standin):
    assert await send(standin, {"content": "x" * 2000}) == 200
"""


def test_a_payload_over_the_limits_fails_the_test_that_sent_it(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("from tests.e2e.conftest import pytest_configure, standin  # noqa: F401\n")
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            "-o",
            "asyncio_mode=auto",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
            "--rootdir",
            str(tmp_path),
            "-q",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 1, out
    assert "4 passed, 1 error" in out
    assert "ERROR at teardown of test_over_the_limit_without_saying_so" in out
    assert "content: Must be 2000 or fewer in length (got 2001)" in out
