"""How far long work has got, for a person at a terminal.

The steps call :func:`steps` around their loops; nothing is shown unless the command
line installed a reporter (:func:`report_to`), which it does only on a terminal. The
reporter is called with a label, the items done and the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
Reporter = Callable[[str, int, int], None]

_reporter: Reporter | None = None


def report_to(reporter: Reporter | None) -> None:
    """Send progress to ``reporter`` from now on (None: to no one)."""
    global _reporter
    _reporter = reporter


def steps(items: Sequence[T], label: str) -> Iterator[T]:
    """The items, telling the reporter (if any) how many are done as they go."""
    reporter = _reporter
    if reporter is None:
        yield from items
        return
    total = len(items)
    for done, item in enumerate(items):
        reporter(label, done, total)
        yield item
    reporter(label, total, total)
