"""Find what needs a source: claims (quotes, numbers, dates) and quoted passages.

A **claim** is a sentence that quotes a passage of four words or more, or states a
number (a figure, a date, a percentage), outside legal references such as
"Article 402", "§ 2462(d)" or "Convention No. 87". A claim is *sourced* when a
citation follows it in the same paragraph. Text marked ``[...]{.argument}`` (or a
paragraph marked ``{.argument}``) is the writer's own and needs no source.
"""

from __future__ import annotations

import re
from dataclasses import field

from drafting.errors import shorten
from drafting.model import Block, Citation, LineBreak, Note, NoteMark, SoftBreak, Span
from drafting.values import dataclass

QUOTE = re.compile(r"[“\"]([^“”\"]+)[”\"]")
MIN_QUOTE_WORDS = 4
SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*\s+(?=[“\"(\[]?[A-Z0-9])")
ABBREVIATIONS = {
    "mr", "ms", "mrs", "dr", "no", "nos", "art", "arts", "para", "paras", "sec", "e.g", "i.e",
    "cf", "v", "vs", "st", "inc", "ltd", "co", "corp", "jr", "sr", "u.s", "u.s.c", "n.w", "d.c",
    "ed", "eds", "p", "pp", "vol", "et al", "id", "jan", "feb", "mar", "apr", "aug", "sept",
    "oct", "nov", "dec",
}
#: Words after which numbers are references to law, not claims ("Article 402").
LEGAL_WORDS = {
    "article", "articles", "art", "art.", "arts.", "no.", "nos.", "convention", "conventions",
    "section", "sections", "sec.", "para.", "paras.", "paragraph", "paragraphs", "chapter",
    "chapters", "rule", "rules", "u.s.c.", "c.f.r.", "stat.", "§", "§§", "¶", "¶¶", "law",
    "resolution", "decree", "code", "annex", "item",
}
CONTINUATION = {"and", "or", "to", "through", ",", ";", "&", "-", "–"}
#: Words after which a number is a volume or title of a code: "19 U.S.C.".
CODE_WORDS = {"u.s.c.", "c.f.r.", "stat.", "u.s.", "f.", "f.2d", "f.3d", "f.4th", "s.", "s.ct."}
TOKEN = re.compile(r"§§?|¶¶?|[^\s,;]+|[,;]")


@dataclass(frozen=True)
class Claim:
    """A sentence that states something needing a source, and has none after it."""

    line: int
    col: int
    kind: str  # "quote" or "number"
    excerpt: str


@dataclass(frozen=True)
class Quote:
    """A quoted passage and the citation that follows it (None when none does)."""

    text: str
    line: int
    col: int
    citation: Citation | None
    block: bool = False  # a block quote (one paragraph of it)


@dataclass
class Paragraph:
    """A paragraph flattened to text, with where its note marks and own words are."""

    text: str
    line: int
    marks: list[tuple[int, Note]] = field(default_factory=list)
    argument: list[tuple[int, int]] = field(default_factory=list)
    breaks: list[int] = field(default_factory=list)  # offsets of source line ends

    def where(self, offset: int) -> tuple[int, int]:
        """Line and column of a text offset."""
        before = [b for b in self.breaks if b < offset]
        start = before[-1] + 1 if before else 0
        return self.line + len(before), offset - start + 1

    def cited_after(self, offset: int) -> Note | None:
        """The first note whose mark is at or after ``offset``."""
        return next((note for at, note in self.marks if at >= offset), None)

    def is_argument(self, start: int, end: int) -> bool:
        """Whether the text between two offsets is all marked as the writer's own."""
        own = sum(max(0, min(end, b) - max(start, a)) for a, b in self.argument)
        return own >= len(self.text[start:end].strip()) > 0


def flatten(block: Block) -> Paragraph:
    """Flatten a block's inlines to text, keeping note marks and marked ranges."""
    para = Paragraph(text="", line=block.line or 1)
    parts: list[str] = []
    size = 0
    for item in block.inlines:
        if isinstance(item, NoteMark):
            para.marks.append((size, item.note))
            continue
        if isinstance(item, Span):
            piece = item.text
        elif isinstance(item, SoftBreak):
            para.breaks.append(size)
            piece = " "
        elif isinstance(item, LineBreak):
            piece = " "
        else:
            continue
        if isinstance(item, Span) and item.argument:
            para.argument.append((size, size + len(piece)))
        parts.append(piece)
        size += len(piece)
    para.text = "".join(parts)
    return para


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, not splitting after common abbreviations."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        word = re.search(r"(\S+)$", text[start : match.start()])
        previous = (word[1] if word else "").lower().lstrip("(“\"")
        if previous in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", previous):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def states_number(sentence: str) -> bool:
    """Whether a sentence has a figure outside legal references and document symbols."""
    legal = False
    tokens = TOKEN.findall(sentence)
    for index, token in enumerate(tokens):
        lower = token.lower()
        following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
        if following in CODE_WORDS:
            legal = True
        if lower in LEGAL_WORDS or lower.rstrip(".") in LEGAL_WORDS:
            legal = True
            continue
        has_digit = any(ch.isdigit() for ch in token)
        if has_digit and (legal or "/" in token or token.startswith(("§", "¶"))):
            continue
        if has_digit:
            return True
        if lower not in CONTINUATION:
            legal = False
    return False


def long_quotes(sentence: str) -> list[re.Match[str]]:
    """Quoted passages of at least four words; shorter ones are terms, and a quote alone in
    parentheses defines a term (the "Trade Union Law")."""
    found = []
    for match in QUOTE.finditer(sentence):
        defines = sentence[: match.start()].endswith("(") and sentence[match.end() :][:1] == ")"
        if len(match[1].split()) >= MIN_QUOTE_WORDS and not defines:
            found.append(match)
    return found


def paragraph_claims(para: Paragraph) -> list[Claim]:
    """Claims of one paragraph with no citation after them."""
    claims = []
    for start, end in sentences(para.text):
        if para.cited_after(start) is not None or para.is_argument(start, end):
            continue
        sentence = para.text[start:end]
        kind = "quote" if long_quotes(sentence) else "number" if states_number(sentence) else ""
        if kind:
            line, col = para.where(start)
            claims.append(Claim(line, col, kind, excerpt(sentence)))
    return claims


def excerpt(text: str, size: int = 60) -> str:
    """The start of a sentence, shortened for a message."""
    return shorten(text, size, tidy=True)


def first_citation(note: Note | None) -> Citation | None:
    return note.citations[0] if note is not None and note.citations else None


def paragraph_quotes(para: Paragraph) -> list[Quote]:
    """Quoted passages in running text, each with the citation after it."""
    out = []
    for match in long_quotes(para.text):
        if para.is_argument(match.start(), match.end()):
            continue
        line, col = para.where(match.start())
        note = para.cited_after(match.end())
        out.append(Quote(match[1].strip(), line, col, first_citation(note)))
    return out


def block_quotes(blocks: list[Block], paras: list[Paragraph]) -> list[Quote]:
    """Block quotes: each paragraph is a quotation; the citation is inside the quote or
    at the end of the paragraph that introduces it."""
    out: list[Quote] = []
    i = 0
    while i < len(blocks):
        if blocks[i].kind != "quote":
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].kind == "quote":
            j += 1
        group = paras[i:j]
        note = next((n for p in group for _, n in p.marks), None)
        if note is None and i > 0 and paras[i - 1].marks:
            note = paras[i - 1].marks[-1][1]
        for para in group:
            text = para.text.strip().strip("“”\"").strip()
            if len(text.split()) >= MIN_QUOTE_WORDS and not blocks[i].argument:
                out.append(Quote(text, para.line, 1, first_citation(note), block=True))
        i = j
    return out


def introduce_quotes(blocks: list[Block], paras: list[Paragraph]) -> None:
    """A paragraph ending with ':' before a block quote shares the quote's citation."""
    for i in range(len(blocks) - 1):
        if blocks[i].kind != "quote" and blocks[i + 1].kind == "quote" \
                and paras[i].text.rstrip().endswith(":") and not paras[i].marks:
            j = i + 1
            while j < len(blocks) and blocks[j].kind == "quote":
                paras[i].marks.extend((len(paras[i].text), n) for _, n in paras[j].marks)
                j += 1


def analyse(blocks: list[Block]) -> tuple[list[Claim], list[Quote]]:
    """The unsourced claims and the quoted passages of some Markdown blocks."""
    paras = [flatten(b) for b in blocks]
    introduce_quotes(blocks, paras)
    claims: list[Claim] = []
    quotes: list[Quote] = []
    for block, para in zip(blocks, paras, strict=True):
        if block.kind == "heading" or block.argument:
            continue
        if block.kind != "quote":
            claims.extend(paragraph_claims(para))
            quotes.extend(paragraph_quotes(para))
    quotes.extend(block_quotes(blocks, paras))
    quoted_blocks = {q.line for q in quotes if q.block and q.citation is None}
    for block, para in zip(blocks, paras, strict=True):
        if block.kind == "quote" and para.line in quoted_blocks and not block.argument:
            claims.append(Claim(para.line, 1, "quote", excerpt(para.text)))
    return claims, quotes


def has_citation(blocks: list[Block]) -> bool:
    """Whether any block cites a source."""
    return any(isinstance(i, NoteMark) and i.note.citations for b in blocks for i in b.inlines)
