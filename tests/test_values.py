"""drafting.values.dataclass: Python's dataclass with shared ``__repr__``, ``__eq__``
and ``__hash__`` that behave as the generated ones would."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.model import Block, Span
from drafting.values import dataclass

OPTIONS = [dict(zip(("eq", "unsafe_hash", "frozen"), combo, strict=True))
           for combo in itertools.product((True, False), repeat=3)
           if combo[0] or not combo[1]]  # unsafe_hash needs eq


def both(options: dict) -> tuple[type, type]:
    """The same class made by drafting.values and by dataclasses."""
    made = []
    for decorator in (dataclass, dataclasses.dataclass):
        @decorator(**options)
        class Value:
            text: str
            flag: bool = False
            hidden: int = dataclasses.field(default=0, repr=False)
            where: int = dataclasses.field(default=0, compare=False)
            unhashed: int = dataclasses.field(default=0, hash=False)
            items: tuple = ()

        made.append(Value)
    return made[0], made[1]


VALUES = st.tuples(st.sampled_from(["", "a", "b"]), st.booleans(), st.integers(0, 2),
                   st.integers(0, 2), st.integers(0, 2), st.sampled_from([(), ("x",)]))


def hashed(value: object) -> object:
    try:
        return hash(value)
    except TypeError:
        return "unhashable"


@pytest.mark.parametrize("options", OPTIONS, ids=str)
@given(a=VALUES, b=VALUES)
def test_shared_methods_behave_as_generated_ones(options: dict, a: tuple, b: tuple) -> None:
    ours, theirs = both(options)
    assert repr(ours(*a)).replace("Value(", "") == repr(theirs(*a)).replace("Value(", "")
    assert (ours(*a) == ours(*b)) == (theirs(*a) == theirs(*b))
    assert (ours(*a) != ours(*b)) == (theirs(*a) != theirs(*b))
    assert (hashed(ours(*a)) == "unhashable") == (hashed(theirs(*a)) == "unhashable")
    if ours(*a) == ours(*b) and hashed(ours(*a)) != "unhashable":
        assert hash(ours(*a)) == hash(ours(*b))  # equal values hash alike
    assert ours(*a) != theirs(*a)  # another class is never equal
    assert dataclasses.replace(ours(*a), flag=not a[1]).flag is not a[1]


def test_a_class_keeps_its_own_methods_and_the_model_prints_as_before() -> None:
    @dataclass(unsafe_hash=True)
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

        def __hash__(self) -> int:
            return 7

    assert repr(Own(1)) == "own" and hash(Own(1)) == 7 and Own(1) == Own(1) != Own(2)
    assert repr(Block("para", (Span("x", bold=True),))) == (
        "Block(kind='para', inlines=(Span(text='x', bold=True, italic=False, "
        "underline=False, strike=False, sup=False, sub=False, smallcaps=False, link=None, "
        "code=False, argument=False),), level=0, argument=False, line=0, label='')")
    assert len({Span("x"), Span("x"), Span("y")}) == 2
