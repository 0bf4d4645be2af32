"""``dataclass`` for drafting's own classes: Python's, with shared methods.

A build defines about forty dataclasses before it reads a file, and Python 3.11
compiles each generated method with ``exec``: about 0.5 ms a class, most of it for
``__repr__``, ``__eq__`` and ``__hash__``. Here every class shares one function for
each of those three, which behaves as the generated one would (the same text, the
same equality, equal values hash alike, the same rules for when a class is hashable);
``__init__`` and everything else is ``dataclasses.dataclass`` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass as _dataclass
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def shared_repr(self: Any) -> str:
    """What the ``__repr__`` dataclasses would generate returns."""
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__qualname__}({shown})"


def shared_eq(self: Any, other: Any) -> Any:
    """Equal when of the same class with equal compared fields (as generated)."""
    if other.__class__ is self.__class__:
        key = self.__class__.__values_key__
        return key(self) == key(other)
    return NotImplemented


def shared_hash(self: Any) -> int:
    """The hash of the hashed fields, as a tuple (as generated)."""
    return hash(self.__class__.__values_hash__(self))


def getter(names: list[str]) -> Callable[[Any], tuple]:
    """A function giving an object's ``names`` attributes as a tuple."""
    if not names:
        return lambda _: ()
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names)


def dataclass(cls: type[T] | None = None, /, **options: Any
              ) -> type[T] | Callable[[type[T]], type[T]]:
    """``dataclasses.dataclass`` (same options), with ``__repr__``, ``__eq__`` and
    ``__hash__`` shared (a class's own are kept; ``order=True`` is left to dataclasses)."""
    def wrap(klass: type[T]) -> type[T]:
        if options.get("order"):
            made = _dataclass(klass, repr=False, **options)
        else:
            made = _dataclass(klass, **{**options, "repr": False, "eq": False,
                                        "unsafe_hash": False})
            if options.get("eq", True):
                equality(made, klass, options)
        if "__repr__" not in klass.__dict__:
            made.__repr__ = shared_repr  # type: ignore[assignment]
        return made

    return wrap if cls is None else wrap(cls)


def equality(made: Any, klass: type, options: dict[str, Any]) -> None:
    """``__eq__`` and ``__hash__`` as dataclasses gives them: hashable when
    ``unsafe_hash`` or ``frozen``, else unhashable, unless the class wrote its own."""
    made.__values_key__ = getter([f.name for f in fields(made) if f.compare])
    made.__values_hash__ = getter([f.name for f in fields(made)
                                   if (f.compare if f.hash is None else f.hash)])
    own = klass.__dict__
    if "__eq__" not in own:
        made.__eq__ = shared_eq
    if "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own):
        return  # a __hash__ the class wrote (not the None Python gives an __eq__ alone)
    if options.get("unsafe_hash") or options.get("frozen"):
        made.__hash__ = shared_hash
    else:
        made.__hash__ = None
