"""The front-matter fast path (yamldata.plain_fields) reads what PyYAML reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from drafting.errors import DraftingError
from drafting.yamldata import parse_yaml, plain_fields, read_with_pyyaml

HERE = Path("front.md")
GOOD_KEYS = st.sampled_from(["title", "tags", "as_of", "superseded_by", "x-y", "_", "a1"])
ODD_KEYS = st.sampled_from(["on", "Yes", "no", "null", "n", "Title", " title", "1", "a b"])
KEYS = st.one_of(GOOD_KEYS, GOOD_KEYS, GOOD_KEYS, ODD_KEYS)
#: Text YAML reads as text, and text with one of YAML's special meanings (mostly the first,
#: so that many examples take the fast path and are compared).
NICE = st.sampled_from(["Fact", "a", "Z", "0", "12", " ", "é", "“", "(ILO)", "t0", "ok.", "e3",
                        "-", "'", "2019-01-01", "&", "*", "!", "|", ">", "%", "@", "`", "=",
                        "?", "y", "Yes", "2019-1-1"])
TRICKY = st.sampled_from([
    "  ", ":", ": ", "#", " #", "'", '"', "\\", "[", "]", ",", ", ", "{", "}", "- ", "yes", "No",
    "null", "true", "OFF", "~", "2019-02-30", "2019-01-01T10:00", "\u2028", "\u00a0", "\t",
    ".inf", "&a", "*a", "!x", "!!str", "0x1F", "1_000", "<<", "\x85", "\ufeff",
])
BITS = st.one_of(NICE, NICE, NICE, TRICKY)
WORD = st.sampled_from(["Fact", "a", "Z", "Yes", "y", "No", "e3", "t0", "On", "nULL", "Off"])
VALUES = st.one_of(
    st.lists(BITS, max_size=6).map("".join),
    st.tuples(WORD, st.lists(BITS, max_size=5).map("".join)).map("".join),
    st.lists(WORD, max_size=4).map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.lists(st.lists(BITS, min_size=1, max_size=3).map("".join), max_size=4)
    .map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.lists(BITS, max_size=5).map(lambda bits: '"' + "".join(bits) + '"'),
    st.lists(BITS, max_size=5).map(lambda bits: "'" + "".join(bits) + "'"),
)
FIELD = st.tuples(KEYS, st.sampled_from([": ", ": ", ":  ", ":", " : "]), VALUES).map("".join)
LINES = st.one_of(
    FIELD, FIELD, FIELD,
    st.sampled_from(["", "# a comment", "  indented: x", "- item", "---", "...", "  "]),
)


def pyyaml_reads(text: str) -> object:
    """What the full reader makes of ``text``, or the error it raises."""
    try:
        return read_with_pyyaml(text, HERE, 2)
    except DraftingError as err:
        return err


@settings(max_examples=1500, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=6).map("\n".join))
@example("title: Arrests of trade unionists (ILO CFA Digest)\ntags: [ilo, cfa]\n"
         "as_of: 2019-12-01\n")
@example("title: yes\n")
@example("tags: [a, No]\n")
@example("title: Fact: a\n")
@example("as_of: 2019-02-30\n")
@example("title: \"Fact 0: a\"\ntitle: b\n")
def test_the_fast_path_reads_what_pyyaml_reads(text: str) -> None:
    same_as_pyyaml(text)


CLEAN = st.tuples(GOOD_KEYS, st.just(": "), st.one_of(
    st.tuples(WORD, st.lists(NICE, max_size=5).map("".join)).map("".join),
    st.tuples(WORD, st.lists(BITS, max_size=3).map("".join)).map("".join),
    st.lists(WORD, max_size=4).map(lambda ws: "[" + ", ".join(ws) + "]"),
    st.lists(st.one_of(NICE, TRICKY), max_size=5).map(lambda bits: '"' + "".join(bits) + '"'),
)).map("".join)


@settings(max_examples=800, deadline=None)
@given(st.lists(CLEAN, min_size=1, max_size=4).map("\n".join))
def test_clean_front_matter_reads_the_same_both_ways(text: str) -> None:
    same_as_pyyaml(text)


def same_as_pyyaml(text: str) -> None:
    """Whatever the fast path reads, PyYAML reads the same, with the same types."""
    fast = plain_fields(text)
    if fast is None:
        return
    full = pyyaml_reads(text)
    assert not isinstance(full, DraftingError), (text, full)
    assert fast == full
    assert [type(v) for v in fast.values()] == [type(v) for v in full.values()]


def test_common_front_matter_takes_the_fast_path() -> None:
    text = ("title: \"Fact 0: Confederation report\"\ntags: [t0, bench, freedom-of-association]\n"
            "as_of: 2019-01-01\nsuperseded_by: kz-2021\n")
    assert plain_fields(text) == {"title": "Fact 0: Confederation report",
                                  "tags": ["t0", "bench", "freedom-of-association"],
                                  "as_of": dt.date(2019, 1, 1), "superseded_by": "kz-2021"}
    assert parse_yaml(text, HERE, 2) == plain_fields(text)


def test_what_the_fast_path_leaves_gets_pyyaml_and_its_errors() -> None:
    assert plain_fields("title: a # note\n") is None
    assert parse_yaml("title: a # note\n", HERE, 2) == {"title": "a"}
    for bad in ("as_of: 2019-02-30\n", "on: x\n", "tags: !!set {a}\n"):
        assert plain_fields(bad) is None
        try:
            parse_yaml(bad, HERE, 2, "front matter")
        except DraftingError as err:
            assert err.where.line == 2
        else:
            raise AssertionError(bad)
