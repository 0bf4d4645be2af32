"""Regular expressions compiled when first used.

Python compiles a regular expression in Python code, about a tenth of a millisecond
each, and drafting's modules name some sixty: compiled at import, they cost every run
5 ms, though an edited build uses fewer than half of them. :func:`pattern` gives an
object that compiles on first use and then hands out the compiled pattern's own
methods, so later uses cost what a compiled pattern's do.
"""

from __future__ import annotations

import re
from typing import Any, cast

#: What the compiled pattern lends the stand-in once it is compiled.
LENT = ("search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer",
        "pattern", "flags", "groups", "groupindex")


class Later:
    """``re.compile(source, flags)``, done on first use."""

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source = (source, flags)

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(*self._source)
        for lent in LENT:
            setattr(self, lent, getattr(compiled, lent))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"pattern({self._source[0]!r})"


def pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """A regular expression that compiles when first used (typed as the compiled one it
    stands for)."""
    return cast("re.Pattern[str]", Later(source, flags))
