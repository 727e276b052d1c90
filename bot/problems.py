"""Content problems: one shared shape for every validation error in the content files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file, located as precisely as possible."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.entry:
            where += f" [{self.entry}]"
        if self.field:
            where += f" {self.field}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised when content files cannot be put into service; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"The content has {count} {noun}:"]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)


def read_yaml(path: Path) -> tuple[Any, Problem | None]:
    """Parse one YAML content file; a file that cannot be read or parsed becomes a Problem
    naming the line and column where YAML gave up."""
    file = str(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, Problem(file, None, None, f"is not valid YAML{at}: {reason}")
    except (OSError, UnicodeDecodeError) as exc:
        return None, Problem(file, None, None, f"cannot be read: {exc}")
