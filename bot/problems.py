"""Content problems: one shared shape for every validation error in the content files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import total_ordering
from pathlib import Path
from typing import Any

import yaml

# Content files are small hand-written YAML; anything past these limits is a mistake or hostile,
# and would otherwise cost memory or a RecursionError before validation could report it.
MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
# libyaml's parser (in PyYAML's wheels for the common platforms) reads a valid file several times
# faster than the pure-Python one. A file it refuses is read again by the pure-Python parser, whose
# reports (and nesting check, past libyaml's own depth limit) are the ones members' editors see.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


@total_ordering
@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, located as precisely as possible."""

    file: str
    entry: str | None
    field: str | None
    message: str

    def _key(self) -> tuple[str, str, str, str]:
        # A problem about a whole file (entry or field None) sorts before those inside it.
        return (self.file, self.entry or "", self.field or "", self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Problem):
            return NotImplemented
        return self._key() < other._key()

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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, Problem(
                file, None, None, f"is {size:,} bytes; a content file may be at most {MAX_FILE_BYTES:,} bytes"
            )
        text = path.read_text(encoding="utf-8")
        if _FAST_LOADER is not None:
            try:
                if _nesting(text, _FAST_LOADER)[0] <= MAX_DEPTH:
                    return yaml.load(text, Loader=_FAST_LOADER), None
            except yaml.YAMLError:
                pass
        depth, line = _nesting(text, yaml.SafeLoader)
        if depth > MAX_DEPTH:
            return None, Problem(
                file,
                None,
                None,
                f"nests lists and mappings more than {MAX_DEPTH} levels deep (at line {line}); "
                "content files never need that many",
            )
        return yaml.safe_load(text), None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, Problem(file, None, None, f"is not valid YAML{at}: {reason}")
    except (OSError, UnicodeDecodeError) as exc:
        return None, Problem(file, None, None, f"cannot be read: {exc}")
    except RecursionError:
        return None, Problem(file, None, None, f"is nested too deeply to read (the limit is {MAX_DEPTH} levels)")


def _nesting(text: str, loader: Any) -> tuple[int, int]:
    """The deepest nesting of lists and mappings, and the line where it first passes MAX_DEPTH.
    Reads YAML's event stream, which needs no recursion however deep the file goes."""
    depth = deepest = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    mark = event.start_mark
                    return deepest, mark.line + 1 if mark is not None else 0
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest, 0
