"""The data model's plain-data form (drafting/model.py): whatever the inline, encoding
it for the cache and decoding it gives it back (places included)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from drafting.errors import Location
from drafting.model import (
    SPAN_FLAGS,
    Block,
    Citation,
    CiteItem,
    FactMark,
    HeadingRef,
    LineBreak,
    Note,
    NoteMark,
    NoteRef,
    SoftBreak,
    Span,
    decode_blocks,
    decode_inline,
    encode_blocks,
    encode_inline,
)

WORDS = st.text(max_size=8)
SPANS = st.builds(lambda text, flags, link: Span(text, link=link,
                                                 **dict(zip(SPAN_FLAGS, flags, strict=True))),
                  WORDS, st.tuples(*[st.booleans()] * len(SPAN_FLAGS)), st.none() | WORDS)
WHERE = st.builds(Location, st.none(), st.none() | st.integers(1, 99), st.none())
CITATIONS = st.builds(lambda items, where: Citation(tuple(items), where),
                      st.lists(st.builds(CiteItem, WORDS, WORDS, WORDS, WORDS), min_size=1,
                               max_size=3), WHERE)
SIMPLE = (SPANS | st.just(LineBreak()) | st.just(SoftBreak()) | st.builds(NoteRef, st.integers())
          | st.builds(HeadingRef, WORDS, WORDS) | CITATIONS
          | st.builds(FactMark, WORDS, st.integers(1, 3), st.booleans(), WORDS))
INLINES = SIMPLE | st.builds(lambda parts, where: NoteMark(Note(tuple(parts), where)),
                             st.lists(SIMPLE, max_size=3), WHERE)


@given(INLINES)
def test_an_inline_comes_back_from_its_plain_form(inline) -> None:
    stored = json.loads(json.dumps(encode_inline(inline)))  # as the cache keeps it
    back = decode_inline(stored)
    assert back == inline and type(back) is type(inline)
    assert repr(back) == repr(inline)  # the places too, which equality does not compare


@given(st.lists(st.builds(Block, st.sampled_from(["para", "heading", "quote"]),
                          st.lists(INLINES, max_size=4).map(tuple), st.integers(0, 3),
                          st.booleans(), st.integers(0, 50), WORDS), max_size=3))
def test_blocks_come_back_from_their_plain_form(blocks: list[Block]) -> None:
    stored = json.loads(json.dumps(encode_blocks(blocks)))
    assert repr(decode_blocks(stored)) == repr(blocks)


@given(st.builds(Block, st.sampled_from(["para", "heading"]), st.lists(INLINES, max_size=3)
                 .map(tuple), st.integers(0, 3), st.booleans(), st.integers(0, 50), WORDS),
       st.lists(INLINES, max_size=3).map(tuple), SPANS, WORDS, st.booleans())
def test_the_quick_copies_are_what_replace_makes(block, inlines, span, text, bold) -> None:
    from dataclasses import replace

    assert repr(block.with_inlines(inlines)) == repr(replace(block, inlines=inlines))
    assert repr(span.styled(text=text, bold=bold)) == repr(replace(span, text=text, bold=bold))


def test_holding_keeps_the_block_when_its_inlines_are_the_same() -> None:
    from drafting.model import Block, Span

    block = Block("para", (Span("a"), Span("b")))
    assert block.holding((Span("a"), Span("b"))) is block
    other = block.holding((Span("a"),))
    assert other is not block and other == block.with_inlines((Span("a"),))
