"""Parsing piece by piece (the per-paragraph parse cache) gives what parsing the whole
text gives: the same blocks, lines, notes and errors, whatever the Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from drafting.errors import DraftingError, Location
from drafting.markdown import parse_blocks
from drafting.mdcut import chunks
from drafting.model import decode_blocks, encode_blocks

PLACE = Path("briefs/x.md")
#: Lines that matter to where CommonMark blocks begin and end.
LINES = [
    "", "", "", " ", "\t", "\u00a0", "Plain text [@hrw-2016, 24].", "more text", "- item",
    "* item", "+ item", "1. first", "2) second", "2019. A year.", "  continued", "    code",
    "> quoted", ">", "```", "~~~", "<!-- a", "comment -->", "<pre>", "</pre>", "<div>",
    "[ref]: https://example.org", "see [ref]", "{.argument}", "{#sec:a}", "# Heading",
    "## Part {#sec:b}", "---", "===", "text ^[a note [@ilo-cas-2019].]", "*open", "close*",
    "\"quoted words\"", "[see @grishin-2019, 3", "a\rb", "\u2e320\u2e32Fact starts",
    "ends.\u2e350\u2e35", "[@unknown key]", "^[^[nested]]",
]


def whole(text: str) -> list | set:
    """The whole text's blocks as data, or its error lines."""
    try:
        return encode_blocks(parse_blocks(text, Location(PLACE, 7)))
    except DraftingError as err:
        return {str(e) for e in getattr(err, "errors", [err])}


def pieced(text: str) -> list | set:
    """The same, parsed piece by piece and placed as the build places them."""
    out: list = []
    errors: set[str] = set()
    for offset, piece in chunks(text):
        try:
            data = encode_blocks(parse_blocks(piece, Location(None, 1)))
        except DraftingError:
            try:
                parse_blocks(piece, Location(PLACE, 7 + offset))
            except DraftingError as err:
                errors |= {str(e) for e in getattr(err, "errors", [err])}
            continue
        out += encode_blocks(decode_blocks(data, Location(PLACE, 7 + offset)))
    return errors or out


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=24))
@example(["", "^[^[nested]]"])  # the nested note is reported at its own line
@example(["^[^[nested]]", "", "^[^[nested]]"])  # two such paragraphs: each at its line
def test_pieces_parse_as_the_whole(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert pieced(text) == whole(text)


def test_paragraphs_are_cut_apart() -> None:
    text = "One.\n\nTwo [@a].\n\n# Three\n\nFour."
    assert [offset for offset, _ in chunks(text)] == [0, 2, 4, 6]


def test_what_reaches_across_blank_lines_stays_whole() -> None:
    for text in ("- a\n\n- b", "a\n\n    code", "{.argument}\n\nb", "```\na\n\nb\n```",
                 "a\n\n[r]: /u", "<!--\n\n-->", "a\n\u00a0\nb", "a\r\rb",
                 # found by a red team: an escaped ] in a label, a fence in a list item,
                 # an attributes line the attrs plugin takes with an extra brace
                 "a\n\n[ilo\\]cas]: https://x", "- ```\n  a\n     \nafter",
                 "{#sec:legal}}\n\n# H"):
        assert len(chunks(text)) == 1, text


MARKED = LINES + ["&#x2E32;0&#x2E32; referenced", "<!-- c -->", "[a](http://x/\u2e321\u2e32)",
                  "<http://z/\u2e322\u2e32>", "\u2e3217\u2e32A fact's first words",
                  "its last words.\u2e3517\u2e35",
                  "- \u2e323\u2e32an item", "> \u2e329\u2e32quoted", "\u2e3512\u2e35",
                  "*\u2e324\u2e32emphasis*", "^[note \u2e325\u2e32 inside]", "\u2e32x\u2e32",
                  "`\u2e326\u2e32 code`", "[link \u2e327\u2e32](https://e.org)"]


def parsed_or_error(parse, *args) -> str:
    try:
        return repr(parse(*args))
    except DraftingError as err:
        return str(err)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MARKED), max_size=8), st.sampled_from([0, 1, 99]))
def test_a_piece_kept_with_its_marks_numbered_within_it_parses_as_itself(
        lines: list[str], shift: int) -> None:
    """parse_piece keeps a piece's parse under its marks numbered 0, 1, ...: the blocks
    it gives are those of the piece as written, also when the cache entry was made by
    the same piece with other numbers (another use of the fact)."""
    import re
    import tempfile

    from drafting.assemble import parse_piece, parsed_piece
    from drafting.cache import Cache

    text = "\n".join(lines)
    other = re.sub("([\u2e32\u2e35])(\\d+)\\1", lambda m: f"{m[1]}{int(m[2]) + shift}{m[1]}",
                   text)
    at = Location(PLACE, 7)
    with tempfile.TemporaryDirectory() as folder:
        memo = Cache(Path(folder), "t", "1")
        parsed_or_error(parse_piece, text, at, memo)  # fills the cache
        got = parsed_or_error(parse_piece, other, at, memo)
    assert got == parsed_or_error(parsed_piece, other, at, None)


@pytest.mark.parametrize("text", [
    "<!-- c -->\u2e351\u2e35\nAfter &#x2E32;0&#x2E32; text.",  # one lost, one made up
    "<!-- c -->\u2e355\u2e35\nAfter &#x2E35;0&#x2E35; text.",  # ... of the same kind
    "&#x2E32;1&#x2E32;\u2e327\u2e32",  # a made-up number beyond the piece's marks
    "&#x2E32;\u0663\u2e320\u2e32)>",  # an Arabic-Indic digit, which int() reads
    "[a](http://x/\u2e327\u2e32) &#x2E32;0&#x2E32;",  # a mark in a link's address
    "<http://z/\u2e321\u2e32\u2e357\u2e35>]",  # marks in an autolink's text and address
])
def test_marks_that_renumbering_cannot_follow_are_parsed_as_written(text: str) -> None:
    """Marks swallowed by an HTML block, written as character references or put in a
    link's address: the piece is parsed as written, never renumbered wrongly or
    failing (found by two red teams)."""
    from drafting.assemble import parse_piece, parsed_piece

    at = Location(PLACE, 7)
    assert repr(parse_piece(text, at, None)) == repr(parsed_piece(text, at, None))
