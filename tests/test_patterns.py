"""drafting.patterns: a regular expression compiled on first use behaves as the
compiled one, and a build compiles only those it uses."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from drafting.patterns import pattern

SOURCES = [r"(\w+)@(\w+)", r"^\s*#+ (.*)$", r"[\u2e32\u2e35](\d+)", r"a|b|"]


@given(st.sampled_from(SOURCES), st.sampled_from([0, re.M, re.I]), st.text(max_size=30))
def test_a_later_pattern_does_what_the_compiled_one_does(source, flags, text) -> None:
    later, now = pattern(source, flags), re.compile(source, flags)
    for name in ("search", "match", "fullmatch"):
        found, expected = getattr(later, name)(text), getattr(now, name)(text)
        assert (found and found.group()) == (expected and expected.group())
    assert later.findall(text) == now.findall(text)
    assert later.sub("<\\g<0>>", text) == now.sub("<\\g<0>>", text)
    assert later.split(text) == now.split(text)
    assert [m.span() for m in later.finditer(text)] == [m.span() for m in now.finditer(text)]
    assert (later.pattern, later.flags, later.groups) == (now.pattern, now.flags, now.groups)


def test_it_compiles_once_and_then_lends_the_compiled_methods() -> None:
    later = pattern(r"x+")
    assert "search" not in vars(later)
    assert later.search("axxb").group() == "xx"
    assert vars(later)["search"].__self__.pattern == "x+"  # the compiled pattern's own
