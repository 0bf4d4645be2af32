"""drafting.values.dataclass: Python's dataclass with one shared ``__repr__`` that
prints what the generated one would."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from drafting.model import Block, Span
from drafting.values import dataclass


@dataclass(unsafe_hash=True)
class Ours:
    text: str
    flag: bool = False
    hidden: int = dataclasses.field(default=0, repr=False)
    items: tuple = ()


@dataclasses.dataclass(unsafe_hash=True)
class Theirs:
    text: str
    flag: bool = False
    hidden: int = dataclasses.field(default=0, repr=False)
    items: tuple = ()


@given(text=st.text(), flag=st.booleans(), hidden=st.integers(), items=st.lists(st.text()))
def test_the_shared_repr_prints_what_dataclasses_would(text, flag, hidden, items) -> None:
    ours, theirs = Ours(text, flag, hidden, tuple(items)), Theirs(text, flag, hidden,
                                                                  tuple(items))
    assert repr(ours) == repr(theirs).replace("Theirs(", "Ours(", 1)
    assert ours == Ours(text, flag, hidden, tuple(items))  # the rest is dataclasses'
    assert hash(ours) == hash(Ours(text, flag, hidden, tuple(items)))
    assert dataclasses.replace(ours, flag=not flag).flag is not flag


def test_a_class_keeps_its_own_repr_and_the_model_prints_as_before() -> None:
    @dataclass
    class Own:
        value: int

        def __repr__(self) -> str:
            return "own"

    assert repr(Own(1)) == "own"
    assert repr(Block("para", (Span("x", bold=True),))) == (
        "Block(kind='para', inlines=(Span(text='x', bold=True, italic=False, "
        "underline=False, strike=False, sup=False, sub=False, smallcaps=False, link=None, "
        "code=False, argument=False),), level=0, argument=False, line=0, label='')")
