"""``dataclass`` for drafting's own classes: Python's, with one ``__repr__`` for all.

A build defines about forty dataclasses before it reads a file, and Python 3.11
compiles each generated method with ``exec``: a quarter of that is ``__repr__``, which
only a developer reading a failure ever sees. Here every class shares one function
that prints the same text the generated one would (``Span(text='a', bold=False)``);
everything else is ``dataclasses.dataclass`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass as _dataclass
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def shared_repr(self: Any) -> str:
    """What the ``__repr__`` dataclasses would generate returns."""
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def dataclass(cls: type[T] | None = None, /, **options: Any
              ) -> type[T] | Callable[[type[T]], type[T]]:
    """``dataclasses.dataclass`` (same options), its ``__repr__`` shared (a class's own
    ``__repr__`` is kept)."""
    def wrap(klass: type[T]) -> type[T]:
        made = _dataclass(klass, repr=False, **options)
        if "__repr__" not in klass.__dict__:
            made.__repr__ = shared_repr  # type: ignore[assignment]
        return made

    return wrap if cls is None else wrap(cls)
