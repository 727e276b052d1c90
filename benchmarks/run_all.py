"""Run every benchmark in this folder, one process each, and print their figures.

Benchmarks print figures and ratios against a baseline measured in the same run; they never
pass or fail the test suite. Usage: `make bench` or `python benchmarks/run_all.py [name ...]`.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ORDER = [
    "bench_persistence",
    "bench_postgres",
    "bench_group_commit",
    "bench_click_path",
    "bench_matcher",
    "bench_server_entries",
    "bench_startup",
    "bench_cpu",
    "bench_load",
    "bench_openloop",
    "bench_trivia",
    "bench_locked",
    "bench_backup",
    "bench_takeover",
    "bench_shard0",
]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    wanted = argv or ORDER
    print(f"Crossroads benchmarks on {machine()}")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    status = 0
    for name in wanted:
        script = HERE / f"{name}.py"
        print(f"\n=== {name} ===", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, env=env, check=False)
        if result.returncode != 0:
            print(f"{name} exited with status {result.returncode}")
            status = 1
    print(f"\nAll benchmarks took {time.perf_counter() - started:.0f} s.")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
