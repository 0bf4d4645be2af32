"""What a check found, and how it is printed: for people, scripts and GitHub.

Light on purpose: a check whose answer is remembered (:mod:`drafting.verdict`) prints
through this module without loading the checker.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from drafting.values import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, at a place in a file."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.rule}]"


def select(problems: list[Problem], paths: Iterable[Path]) -> list[Problem]:
    """Only the problems in the given files or folders (all when none are given)."""
    wanted = [Path(p).resolve() for p in paths]
    if not wanted:
        return problems
    def inside(problem: Problem) -> bool:
        where = Path(problem.path).resolve()
        return any(where == w or w in where.parents for w in wanted)
    return [p for p in problems if inside(p)]


def summary(problems: list[Problem]) -> str:
    """``3 errors, 2 warnings`` (or ``no problems``)."""
    errors = sum(p.severity == ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def github_data(text: str) -> str:
    """Escape an annotation's message as GitHub's workflow commands want it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: object) -> str:
    """Escape an annotation's property (file, title) as GitHub's workflow commands want it."""
    return github_data(str(value)).replace(":", "%3A").replace(",", "%2C")


def as_github(problem: Problem) -> str:
    """A GitHub Actions annotation: one line, whatever the path and message hold."""
    props = {"file": problem.path, "line": problem.line, "col": problem.col,
             "title": problem.rule}
    listed = ",".join(f"{k}={github_property(v)}" for k, v in props.items())
    return f"::{problem.severity} {listed}::{github_data(problem.message)}"


def as_json(problems: list[Problem]) -> dict[str, Any]:
    errors = sum(p.severity == ERROR for p in problems)
    return {"problems": [asdict(p) for p in problems], "errors": errors,
            "warnings": len(problems) - errors}
