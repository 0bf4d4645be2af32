"""One error type that carries a location, so every problem prints as ``path:line: message``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drafting.values import dataclass


@dataclass(unsafe_hash=True)
class Location:
    """Where something came from: a file, and a 1-based line and column when known."""

    path: Path | None = None
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [display_path(self.path) if self.path else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def shifted(self, lines: int) -> Location:
        """The same place ``lines`` further down (for text parsed out of a larger file)."""
        return Location(self.path, (self.line or 1) + lines, None)


def display_path(path: Path) -> str:
    """A path relative to the working folder when it is below it, else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class DraftingError(Exception):
    """A problem with the user's input, reported as one line with its location."""

    def __init__(self, message: str, where: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class DraftingErrors(DraftingError):
    """Several problems found together: report them all, then fail once."""

    def __init__(self, errors: Iterable[DraftingError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def raise_all(errors: list[DraftingError]) -> None:
    """Raise the collected errors, if any: one alone as itself, several together."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DraftingErrors(errors)


def shorten(text: str, size: int | None, tidy: bool = False) -> str:
    """Text on one line, cut to ``size`` characters with "…" (``tidy``: no space before
    the "…"); ``None`` keeps it whole."""
    text = " ".join(text.split())
    if size is None or len(text) <= size:
        return text
    cut = text[: size - 1]
    return (cut.rstrip() if tidy else cut) + "…"
