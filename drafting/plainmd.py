"""Plain Markdown, parsed without markdown-it: paragraphs of text and citations.

Most facts are a paragraph or two of words with ``[@key, 12]`` citations and nothing
else Markdown gives meaning to. :func:`plain_blocks` reads such text the way
:func:`drafting.markdown.parse_blocks` does (CommonMark paragraphs, curly quotes as
markdown-it's typographer puts them, note marks after punctuation), without loading
markdown-it (about 40 ms at start-up) or building its tokens. Anything it is not sure
of (a Markdown mark, a line a block could start with, a bracket that is not a
well-formed citation) makes it answer ``None``, and the full parser reads the text.
A hypothesis test holds it to the full parser's result, locations included.
"""

from __future__ import annotations

import unicodedata

from drafting.citations import looks_like_citation, parse_citation
from drafting.errors import DraftingError, Location
from drafting.model import Block, Inline, Note, NoteMark, SoftBreak, Span
from drafting.patterns import pattern

#: Characters that may mean something to Markdown (or to our attribute and note
#: syntax) anywhere in a line, and whitespace but spaces and newlines (which CommonMark
#: trims or expands); text with any of them goes to the full parser.
MARKED = pattern(r"[\\`*_<>&!#|~^{}\x00]|[^\S \n]")
#: How a line may not start: indented, a list item, quote, heading, rule or
#: setext underline (CommonMark block starts), or digits that could number a list.
BLOCK_START = pattern(r"[ +\-*>#=]|\d+[.)]")
NOTE_PUNCTUATION = ".,;:!?"
QUOTES = "“”‘’"  # markdown-it's default: double open, close; single open, close
APOSTROPHE = "’"
#: ASCII punctuation as CommonMark defines it.
ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Whitespace to markdown-it's smartquotes (besides U+2000–U+200A).
WHITESPACE = frozenset("\t\n\v\f\r \xa0\u1680\u202f\u205f\u3000")
QUOTE = pattern("['\"]")
#: A line that marks the next paragraph as the writer's own words (no source needed).
ATTRIBUTES = pattern(r"\{\.(?:argument|own-knowledge)\}")
#: An ATX heading: its level, its text, and a label at its end (a closing run of ``#``
#: and trailing spaces dropped, as CommonMark drops them). A label with ``_`` is left
#: to the full parser (``{#_a_}``: markdown-it reads emphasis there).
ATX_HEADING = pattern(r"(?P<level>#{1,6}) +(?P<text>.*?)(?: +\{#(?P<label>(?:[^\W_]|[:.-])+)\})?"
                         r"(?: +#+)? *")


def closing_bracket(src: str, start: int, end: int) -> int:
    """Index of the ``]`` matching the ``[`` at ``start``, or -1."""
    depth, i = 0, start
    while i < end:
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def place_note_marks(inlines: list[Inline]) -> list[Inline]:
    """Put note marks after punctuation, as pandoc does: ``text [@a].`` → ``text.¹``."""
    out = list(inlines)
    for i, item in enumerate(out):
        if not isinstance(item, NoteMark):
            continue
        if i > 0 and isinstance(out[i - 1], SoftBreak):
            out[i - 1] = Span("")
        if i > 0 and isinstance(out[i - 1], Span):
            out[i - 1] = out[i - 1].styled(text=out[i - 1].text.rstrip(" "))
        j = i + 1
        if j < len(out) and isinstance(out[j], Span):
            text = out[j].text
            moved = len(text) - len(text.lstrip(NOTE_PUNCTUATION))
            if moved and i > 0 and isinstance(out[i - 1], Span):
                prev = out[i - 1]
                out[i - 1] = prev.styled(text=prev.text + text[:moved])
                out[j] = out[j].styled(text=text[moved:])
    return [p for p in out if not (isinstance(p, Span) and not p.text)]


def plain_blocks(text: str, where: Location) -> list[Block] | None:
    """The blocks of ``text`` when it is plain (see the module), else None."""
    blocks: list[Block] = []
    lines = text.split("\n")
    start = 0
    while start < len(lines):
        line = lines[start]
        if not line.strip(" "):  # blank lines part paragraphs
            start += 1
            continue
        if line.startswith("#"):
            block = heading(line, start, where)
            end = start + 1
        else:
            argument = ATTRIBUTES.fullmatch(line) is not None
            first = start + argument  # the paragraph starts after its attributes line
            end = first
            while end < len(lines) and lines[end].strip(" ") and not lines[end].startswith("#"):
                end += 1
            block = paragraph(lines[first:end], first, where, argument) if end > first else None
        if block is None:
            return None
        blocks.append(block)
        start = end
    return blocks


def heading(line: str, line0: int, where: Location) -> Block | None:
    """An ATX heading (``## Text``, an optional ``{#label}`` at its end), or None if it is
    not a plain one."""
    match = ATX_HEADING.fullmatch(line)
    if not match or not match["text"]:
        return None
    content, label = match["text"], match["label"] or ""
    tokens = None if MARKED.search(content) else inline_tokens(content)
    parts = converted(tokens, content, line0, where) if tokens else None
    if parts is None:
        return None
    return Block("heading", tuple(place_note_marks(parts)), len(match["level"]),
                 argument=False, line=where.shifted(line0).line or 0, label=label)


def paragraph(lines: list[str], line0: int, where: Location,
              argument: bool = False) -> Block | None:
    """One paragraph (its lines, the first at 0-based ``line0``), or None if not plain.
    Lines after the first may be indented (CommonMark drops the spaces)."""
    if lines[0].startswith("[") or BLOCK_START.match(lines[0]) or any(
            BLOCK_START.match(line.lstrip(" ")) for line in lines[1:]):
        return None
    content = "\n".join(lines).rstrip(" ")
    tokens = None if MARKED.search(content) else inline_tokens(content)
    parts = converted(tokens, content, line0, where) if tokens is not None else None
    if parts is None:
        return None
    return Block("para", tuple(place_note_marks(parts)), 0, argument=argument,
                 line=where.shifted(line0).line or 0, label="")


def converted(tokens: list[list], content: str, line0: int, where: Location
              ) -> list[Inline] | None:
    """The inlines of a paragraph's tokens (curly quotes put in), or None if a
    citation is not well formed (the full parser reports it)."""
    smartquotes(tokens)
    parts: list[Inline] = []
    for kind, value, offset in tokens:
        if kind == "text":
            parts.append(Span(value))
        elif kind == "softbreak":
            parts.append(SoftBreak())
        else:
            at = where.shifted(line0 + content[:offset].count("\n"))
            try:
                citation = parse_citation(value, at)
            except DraftingError:
                return None
            parts.append(NoteMark(Note((citation,), at)))
    return parts


def inline_tokens(src: str) -> list[list] | None:
    """``[kind, content, offset]`` for each run of text, line break and citation (as
    markdown-it's inline rules cut them), or None if a bracket is not a citation or a
    line ends in a hard break (two spaces)."""
    tokens: list[list] = []
    pos = 0
    while pos < len(src):
        bracket, newline = src.find("[", pos), src.find("\n", pos)
        stop = min(i for i in (bracket, newline, len(src)) if i >= 0)
        text = src[pos:stop]
        if stop == newline:
            if text.endswith("  "):
                return None
            text = text.removesuffix(" ")  # one space before a line break is dropped
        if text:
            tokens.append(["text", text, pos])
        if stop == len(src):
            break
        if stop == newline:
            tokens.append(["softbreak", "", stop])
            pos = stop + 1
            while pos < len(src) and src[pos] == " ":  # the next line's indent
                pos += 1
            continue
        close = closing_bracket(src, stop, len(src))
        content = src[stop + 1:close]
        if close < 0 or "[" in content or src[close + 1:close + 2] in ("(", "[") \
                or not looks_like_citation(content) or "@sec:" in content:
            return None
        tokens.append(["citation", content, stop])
        pos = close + 1
    return tokens


def is_punct(ch: str) -> bool:
    """Punctuation or a symbol, as markdown-it's smartquotes sees them."""
    return ch in ASCII_PUNCT or unicodedata.category(ch).startswith(("P", "S"))


def is_space(ch: str) -> bool:
    return ch in WHITESPACE or "\u2000" <= ch <= "\u200a"


def neighbour(tokens: list[list], i: int, step: int) -> str:
    """The character next to token ``i`` in direction ``step`` (a space at a line's
    end): the last (or first) character of the nearest token with content."""
    j = i + step
    while 0 <= j < len(tokens):
        if tokens[j][0] == "softbreak":
            break
        if tokens[j][1]:
            return tokens[j][1][-1 if step < 0 else 0]
        j += step
    return " "


def smartquotes(tokens: list[list]) -> None:
    """Curly quotes and apostrophes in the text tokens, in place: markdown-it's
    typographer rule for a paragraph whose tokens are all at one level."""
    stack: list[tuple[int, int, bool]] = []  # open quotes: token, position, single
    for i, token in enumerate(tokens):
        if token[0] != "text":
            continue
        pos = 0
        while True:
            found = QUOTE.search(token[1], pos)
            if not found:
                break
            at, text = found.start(), token[1]
            pos, single = at + 1, found[0] == "'"
            last = text[at - 1] if at > 0 else neighbour(tokens, i, -1)
            nxt = text[pos] if pos < len(text) else neighbour(tokens, i, 1)
            can_open, can_close = quote_sides(last, nxt, found[0])
            if not can_open and not can_close:
                if single:
                    token[1] = text[:at] + APOSTROPHE + text[at + 1:]
                continue
            if can_close:
                match = next((j for j in range(len(stack) - 1, -1, -1)
                              if stack[j][2] == single), None)
                if match is not None:
                    opened, opened_at, _ = stack[match]
                    open_q, close_q = (QUOTES[2], QUOTES[3]) if single else QUOTES[:2]
                    token[1] = token[1][:at] + close_q + token[1][at + 1:]
                    other = tokens[opened]
                    other[1] = other[1][:opened_at] + open_q + other[1][opened_at + 1:]
                    del stack[match:]
                    continue
            if can_open:
                stack.append((i, at, single))
            elif can_close and single:
                token[1] = text[:at] + APOSTROPHE + text[at + 1:]


def quote_sides(last: str, nxt: str, quote: str) -> tuple[bool, bool]:
    """Whether a quote between ``last`` and ``nxt`` can open and can close a quotation
    (CommonMark's flanking rules, as markdown-it's smartquotes applies them)."""
    last_punct, next_punct = is_punct(last), is_punct(nxt)
    last_space, next_space = is_space(last), is_space(nxt)
    can_open = not next_space and not (next_punct and not (last_space or last_punct))
    can_close = not last_space and not (last_punct and not (next_space or next_punct))
    if nxt == '"' and quote == '"' and "0" <= last <= "9":
        return False, False  # 1"" - the first quote is an inch mark
    if can_open and can_close:  # inside a word no; between punctuation yes
        return last_punct, next_punct
    return can_open, can_close
