"""Parse Markdown (CommonMark via markdown-it-py) with pandoc citations and ``^[notes]``.

Two inline rules are added to markdown-it: ``citation`` for ``[... @key ...]`` and
``inline_note`` for ``^[...]``. The token stream is then turned into
:class:`~drafting.model.Block` lists that the later steps use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from drafting.citations import find_unclosed, looks_like_citation, parse_citation
from drafting.errors import DraftingError, Location
from drafting.limits import check_brackets
from drafting.model import (
    Block,
    CrossRef,
    Inline,
    LineBreak,
    Note,
    NoteMark,
    SoftBreak,
    Span,
)
from drafting.patterns import pattern
from drafting.plainmd import closing_bracket, place_note_marks, plain_blocks

if TYPE_CHECKING:  # markdown-it loads only for text plainmd cannot read
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

#: Inline HTML tags we understand, and the mark each sets.
HTML_MARKS = {
    "sup": "sup",
    "sub": "sub",
    "u": "underline",
    "em": "italic",
    "i": "italic",
    "strong": "bold",
    "b": "bold",
    "s": "strike",
    "del": "strike",
    "sc": "smallcaps",
}
HTML_TAG = pattern(r"^<(/?)([a-zA-Z]+)\s*/?>$")
MARK_TOKENS = {"em": "italic", "strong": "bold", "s": "strike", "sup": "sup"}
#: Classes that mark text as the writer's own (``[...]{.argument}``, ``{.argument}`` before
#: a paragraph): claims there need no source.
ARGUMENT_CLASSES = {"argument", "own-knowledge"}


def is_argument(token: Token) -> bool:
    """Whether a token carries one of the argument classes."""
    return bool(set(str(token.attrGet("class") or "").split()) & ARGUMENT_CLASSES)


def citation_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``[see @key, 5]`` becomes a ``citation`` token."""
    start = state.pos
    if state.src[start] != "[":
        return False
    close = closing_bracket(state.src, start, state.posMax)
    if close < 0:
        return False
    nxt = state.src[close + 1 : close + 2]
    content = state.src[start + 1 : close]
    if nxt in ("(", "[") or not looks_like_citation(content):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = content
        token.meta = {"offset": state.env.get("offset", 0) + start}
    state.pos = close + 1
    return True


def inline_note_rule(state: StateInline, silent: bool) -> bool:
    """Inline rule: ``^[free text [@key].]`` becomes an ``inline_note`` token with children."""
    start = state.pos
    if state.src[start : start + 2] != "^[":
        return False
    close = closing_bracket(state.src, start + 1, state.posMax)
    if close < 0:
        return False
    if not silent:
        outer = state.env.get("offset", 0)
        if not state.env.get("in_note"):
            state.env["paragraph"] = state.src  # offsets below count from its start
        if state.env.get("in_note"):
            state.env.setdefault("problems", []).append(
                (outer + start, "a footnote inside a footnote; move the inner ^[...] out",
                 state.env.get("paragraph", state.src))
            )
        token = state.push("inline_note", "", 0)
        token.meta = {"offset": outer + start}
        children: list[Token] = []
        state.env.update(offset=outer + start + 2, in_note=True)
        state.md.inline.parse(state.src[start + 2 : close], state.md, state.env, children)
        state.env.update(offset=outer, in_note=False)
        token.children = children
    state.pos = close + 1
    return True


def note_smartquotes(state: StateCore) -> None:
    """Core rule: give text inside ``^[...]`` notes curly quotes too."""
    from markdown_it.rules_core.smartquotes import process_inlines

    for token in state.tokens:
        for child in token.children or []:
            if child.type == "inline_note" and child.children:
                process_inlines(child.children, state)


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared markdown-it parser: CommonMark, inline HTML, curly quotes, our rules."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
    from mdit_py_plugins.superscript import superscript_plugin

    md = MarkdownIt("commonmark", {"typographer": True, "html": True}).enable("smartquotes")
    md.use(attrs_plugin, spans=True).use(attrs_block_plugin)
    md.inline.ruler.before("link", "citation", citation_rule)
    md.inline.ruler.before("link", "inline_note", inline_note_rule)
    md.use(superscript_plugin)  # pandoc's 16^th^; after ^[...] notes, which come first
    sup = next(rule for rule in md.inline.ruler.__rules__ if rule.name == "sup")
    md.inline.ruler.disable("sup")
    md.inline.ruler.after("inline_note", "superscript", sup.fn)
    md.core.ruler.after("smartquotes", "note_smartquotes", note_smartquotes)
    md.normalizeLinkText = lambda url: url  # show addresses exactly as written
    return md


class _Converter:
    """Turns markdown-it tokens into blocks, keeping source lines for errors."""

    def __init__(self, where: Location) -> None:
        self.where = where
        self.errors: list[DraftingError] = []

    def at(self, line0: int, content: str = "", offset: int = 0) -> Location:
        """The location of ``offset`` in an inline whose block starts at 0-based ``line0``."""
        return self.where.shifted(line0 + content[:offset].count("\n"))

    def blocks(self, tokens: list[Token], env: dict) -> list[Block]:
        """Convert a block token stream."""
        out: list[Block] = []
        quote_depth, lists, kind, level, label = 0, [], "para", 0, ""
        argument: list[bool] = []  # one entry per open container
        for tok in tokens:
            if tok.nesting == 1:
                argument.append(is_argument(tok) or bool(argument and argument[-1]))
            elif tok.nesting == -1 and argument:
                argument.pop()
            if tok.type == "blockquote_open":
                quote_depth += 1
            elif tok.type == "blockquote_close":
                quote_depth -= 1
            elif tok.type in ("bullet_list_open", "ordered_list_open"):
                lists.append("bullet" if tok.type == "bullet_list_open" else "number")
            elif tok.type in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
            elif tok.type == "heading_open":
                kind, level = "heading", int(tok.tag[1:])
                label = str(tok.attrGet("id") or "")
            elif tok.type == "inline":
                block_kind = kind if kind == "heading" else (
                    lists[-1] if lists else "quote" if quote_depth else "para")
                inlines = self.inlines(tok, env)
                if kind == "heading":
                    inlines, label = heading_label(inlines, label)
                out.append(Block(block_kind, tuple(place_note_marks(inlines)),
                                 level if kind == "heading" else len(lists),
                                 argument=bool(argument and argument[-1]),
                                 line=self.at(tok.map[0] if tok.map else 0).line or 0,
                                 label=label if kind == "heading" else ""))
                kind, level, label = "para", 0, ""
            elif tok.type in ("code_block", "fence", "html_block"):
                text = tok.content.rstrip("\n")
                if tok.type == "html_block" and text.lstrip().startswith("<!--"):
                    continue
                code = tok.type != "html_block"
                out.append(Block("quote" if quote_depth else "para", (Span(text, code=code),)))
        for _offset, message, _text in env.get("problems", []):  # in no paragraph found
            self.errors.append(DraftingError(message, self.where))
        return out

    def inlines(self, tok: Token, env: dict) -> list[Inline]:
        """Convert one inline token (a paragraph's text); the problems markdown-it's
        rules found in it are reported at their lines."""
        line0 = tok.map[0] if tok.map else 0
        problems = env.get("problems", [])
        for problem in [p for p in problems if p[2] is tok.content]:  # this very text
            problems.remove(problem)
            self.errors.append(DraftingError(problem[1], self.at(line0, tok.content, problem[0])))
        return self.children(tok.children or [], tok.content, line0, in_note=False)

    def children(
        self, tokens: list[Token], content: str, line0: int, in_note: bool
    ) -> list[Inline]:
        """Convert inline tokens, tracking emphasis, links and HTML marks."""
        out: list[Inline] = []
        marks: dict[str, int] = {}
        link: list[str] = []
        spans: list[bool] = []  # open [...]{.class} spans: whether each marks argument
        for tok in tokens:
            t = tok.type
            if t == "span_open":
                spans.append(is_argument(tok))
                marks["argument"] = marks.get("argument", 0) + spans[-1]
            elif t == "span_close" and spans:
                marks["argument"] -= spans.pop()
            elif t == "text":
                self.check_unclosed(tok.content, content, line0)
                out.append(self.span(tok.content, marks, link))
            elif t == "code_inline":
                out.append(self.span(tok.content, marks, link, code=True))
            elif t == "softbreak":
                out.append(SoftBreak())
            elif t == "hardbreak":
                out.append(LineBreak())
            elif t.endswith("_open") and t[:-5] in MARK_TOKENS:
                marks[MARK_TOKENS[t[:-5]]] = marks.get(MARK_TOKENS[t[:-5]], 0) + 1
            elif t.endswith("_close") and t[:-6] in MARK_TOKENS:
                marks[MARK_TOKENS[t[:-6]]] -= 1
            elif t == "link_open":
                link.append(str(tok.attrGet("href") or ""))
            elif t == "link_close":
                link.pop()
            elif t == "html_inline":
                self.html(tok.content, marks, link, out)
            elif t == "image":
                out.append(self.span(tok.content, marks, link))
            elif t == "citation" and CROSS_REF.match(tok.content):
                where = self.at(line0, content, tok.meta["offset"])
                out.append(cross_ref(tok.content, where))
            elif t == "citation":
                where = self.at(line0, content, tok.meta["offset"])
                try:
                    citation = parse_citation(tok.content, where)
                except DraftingError as err:
                    self.errors.append(err)
                    continue
                out.append(citation if in_note else NoteMark(Note((citation,), where)))
            elif t == "inline_note":
                where = self.at(line0, content, tok.meta["offset"])
                parts = self.children(tok.children or [], content, line0, in_note=True)
                out.append(NoteMark(Note(tuple(strip_edges(parts)), where)))
            else:
                out.append(self.span(tok.content, marks, link))
        return out

    def check_unclosed(self, text: str, content: str, line0: int) -> None:
        """Report a ``[@key`` whose bracket was never closed (one written ``\\[`` is
        text, not a citation)."""
        pos = find_unclosed(text)
        if pos >= 0:
            snippet = text[pos : pos + 30].split("\n")[0]
            unescaped, escaped = unescape(content)
            if unescaped.find(snippet) in escaped:
                return
            offset = content.find(snippet)
            self.errors.append(
                DraftingError(
                    f"citation '{snippet}' is not closed; add the missing ']'",
                    self.at(line0, content, max(offset, 0)),
                )
            )

    def html(self, raw: str, marks: dict[str, int], link: list[str], out: list[Inline]) -> None:
        """Inline HTML: known formatting tags set marks; anything else is literal text."""
        match = HTML_TAG.match(raw.strip())
        name = match[2].lower() if match else ""
        if raw.startswith("<!--"):
            return  # a comment: not part of the text
        if name == "br":
            out.append(LineBreak())
        elif name in HTML_MARKS:
            mark = HTML_MARKS[name]
            marks[mark] = marks.get(mark, 0) + (-1 if match[1] else 1)
        else:
            out.append(self.span(raw, marks, link))

    @staticmethod
    def span(text: str, marks: dict[str, int], link: list[str], code: bool = False) -> Span:
        """A span with the marks now open."""
        on = {m for m, n in marks.items() if n > 0}
        return Span(
            text,
            bold="bold" in on,
            italic="italic" in on,
            underline="underline" in on,
            strike="strike" in on,
            sup="sup" in on,
            sub="sub" in on,
            smallcaps="smallcaps" in on,
            link=link[-1] if link else None,
            code=code,
            argument="argument" in on,
        )


CROSS_REF = pattern(r"^\s*(?P<prefix>[^@\[\]]*?)\s*@(?P<label>sec:[\w:.-]+)\s*$")
HEADING_LABEL = pattern(r"\s*\{#([\w:.-]+)\}\s*$")


def unescape(source: str) -> tuple[str, set[int]]:
    """Markdown source with its backslash escapes resolved, and the offsets (in the
    result) of the characters that were escaped."""
    out: list[str] = []
    escaped: set[int] = set()
    index = 0
    while index < len(source):
        if source[index] == "\\" and index + 1 < len(source) and not source[index + 1].isalnum():
            escaped.add(len(out))
            out.append(source[index + 1])
            index += 2
        else:
            out.append(source[index])
            index += 1
    return "".join(out), escaped


def cross_ref(content: str, where: Location) -> CrossRef:
    """``[see Part @sec:legal]`` → a reference to the heading labelled ``sec:legal``."""
    words = CROSS_REF.match(content)["prefix"].split()
    lead, noun = " ".join(words[:-1]), (words[-1] if words else "")
    return CrossRef(CROSS_REF.match(content)["label"], lead, noun, where)


def heading_label(inlines: list[Inline], label: str) -> tuple[list[Inline], str]:
    """A heading's label: ``{#sec:legal}`` before it, or at the end of its text."""
    if inlines and isinstance(inlines[-1], Span):
        match = HEADING_LABEL.search(inlines[-1].text)
        if match:
            text = inlines[-1].text[: match.start()]
            rest = inlines[:-1] + ([inlines[-1].styled(text=text)] if text else [])
            return rest, label or match[1]
    return inlines, label


def strip_edges(parts: list[Inline]) -> list[Inline]:
    """Drop leading and trailing blanks of a note's text."""
    parts = list(parts)
    if parts and isinstance(parts[0], Span):
        parts[0] = parts[0].styled(text=parts[0].text.lstrip())
    if parts and isinstance(parts[-1], Span):
        parts[-1] = parts[-1].styled(text=parts[-1].text.rstrip())
    return [p for p in parts if not (isinstance(p, Span) and not p.text)]


def parse_blocks(text: str, where: Location) -> list[Block]:
    """Parse Markdown ``text`` (whose first line is at ``where``) into blocks.

    Raises every citation problem found, each with its line.
    """
    check_brackets(text, where)
    quick = plain_blocks(text, where)
    if quick is not None:
        return quick
    return full_blocks(text, where)


def full_blocks(text: str, where: Location) -> list[Block]:
    """:func:`parse_blocks` by markdown-it, for any text."""
    env: dict = {}
    tokens = parser().parse(text, env)
    converter = _Converter(where)
    blocks = converter.blocks(tokens, env)
    if converter.errors:
        from drafting.errors import raise_all

        raise_all(converter.errors)
    return blocks


def parse_inline(text: str) -> list[Inline]:
    """Parse one line of inline Markdown (used for formatted citations)."""
    env: dict = {}
    tokens = parser().parseInline(text, env)
    converter = _Converter(Location())
    return converter.children(tokens[0].children or [], text, 0, in_note=False) if tokens else []
