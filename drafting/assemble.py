"""Assemble a brief: expand its Jinja body with facts into one Markdown document.

Every part is checked where it was written before it is assembled: the brief's own
text, each fact it pulls in, and every source key, so an error names the file and
line the user must fix, not a line of some intermediate text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any

from drafting.cache import Cache, jinja, memoized, template_from, typed_key
from drafting.errors import DraftingError, Location, raise_all
from drafting.library import Library, read_text, split_front_matter, suggest
from drafting.limits import EXPRESSION_ERRORS, too_deep
from drafting.mdcut import chunks
from drafting.model import Block, Citation, FactMark, Inline, Span, decode_blocks, encode_blocks
from drafting.patterns import pattern
from drafting.plainjinja import plain_calls, plain_render
from drafting.values import dataclass

# Jinja loads on first use: a rebuild whose brief and facts are unchanged renders none.


@lru_cache(maxsize=1)
def body_env() -> Any:
    """The sandboxed Jinja environment for brief bodies."""
    from jinja2 import StrictUndefined

    from drafting.sandbox import BoundedEnvironment

    # Jinja's {# comments #} would swallow heading labels ({#sec:legal}); a brief uses
    # HTML comments, or {## this ##} for a Jinja comment.
    return BoundedEnvironment(undefined=StrictUndefined, autoescape=False,
                              keep_trailing_newline=True, comment_start_string="{##",
                              comment_end_string="##}")


@dataclass
class Brief:
    """A brief file: front matter (template, filing details) and a Markdown/Jinja body."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int

    @property
    def name(self) -> str:
        return self.path.stem

    def where(self, template_line: int | None = None) -> Location:
        """The file location of a line of the body (1-based, as Jinja counts)."""
        if template_line is None:
            return Location(self.path, 1)
        return Location(self.path, self.body_line + template_line - 1)


@dataclass
class Assembled:
    """A brief expanded into blocks, with what went into it."""

    brief: Brief
    blocks: list[Block]
    facts: list[str] = field(default_factory=list)
    origins: list[tuple[str, int, int]] = field(default_factory=list)  # fact, lines in text

    def fact_at(self, line: int) -> str:
        """The fact whose text is at a (file) line of the assembled text, or ''."""
        offset = line - self.brief.body_line
        index = bisect.bisect_right(self.origins, offset, key=lambda o: o[1]) - 1
        if index >= 0 and self.origins[index][1] <= offset <= self.origins[index][2]:
            return self.origins[index][0]
        return ""


def load_brief(path: Path, memo: Cache | None = None) -> Brief:
    """Read a brief file."""
    if not path.is_file():
        raise DraftingError("no such brief file; check the path", Location(path))
    text = read_text(path)
    meta, body, line = split_front_matter(text, path, memo)
    if "template" not in meta:
        raise DraftingError(
            "the front matter names no 'template'; add e.g. 'template: pre-hearing-brief'",
            Location(path, 2),
        )
    return Brief(path=path, meta=meta, body=body, body_line=line)


FACT_CALL_HELP = ('call fact with the id in quotes, {{ fact("ilo-cas-2019-regret") }}: a computed '
                  "id or another name for fact would hide the use from check, used-by and "
                  "rename")


def fact_calls(source: str) -> list[tuple[str, int]]:
    """The ``fact("id")`` calls of a Jinja body, with their lines."""
    return body_calls(source)


def body_calls(source: str, trees: dict[str, Any] | None = None) -> list[tuple[str, int]]:
    """Every ``fact("id")`` (or ``fact(fact_id="id")``) call of a Jinja body, with its
    line. The parsed body goes into ``trees`` (to render it from).

    A fact's id must be written out in quotes, so this list is every fact the brief
    can use (cached renderings, ``used-by`` and ``rename`` rely on it). Raises for a
    computed id, any other use of the name ``fact``, and ``include``/``import``/
    ``extends`` (a brief reads no other files)."""
    plain = plain_calls(source)
    if plain is not None:  # only fact calls: no Jinja needed
        return [(fact_id, line) for fact_id, line, _, _ in plain]
    return jinja_calls(source, trees)


def jinja_calls(source: str, trees: dict[str, Any] | None = None) -> list[tuple[str, int]]:
    """:func:`body_calls` by Jinja's parser, for any body."""
    from jinja2 import TemplateSyntaxError, nodes

    tree = body_env().parse(source)
    if trees is not None:
        trees[source] = tree
    includes = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)
    calls, called = [], set()
    for node in tree.find_all((nodes.Call, nodes.Name, *includes)):  # one walk over the tree
        if isinstance(node, includes):
            raise TemplateSyntaxError("a brief cannot include files; pull facts in with "
                                      '{{ fact("id") }}', node.lineno)
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) \
                and node.node.name == "fact":
            calls.append((literal_fact_id(node), node.lineno))
            called.add(id(node.node))
        elif isinstance(node, nodes.Name) and node.name == "fact" and id(node) not in called:
            raise TemplateSyntaxError(FACT_CALL_HELP, node.lineno)
    return calls


JINJA_OWN_MESSAGES = {FACT_CALL_HELP, 'a brief cannot include files; pull facts in with '
                      '{{ fact("id") }}'}


def literal_fact_id(call: Any) -> str:
    """The quoted id of a ``fact(...)`` call; raises when it is not one quoted string."""
    from jinja2 import TemplateSyntaxError, nodes

    args = list(call.args) + [k.value for k in call.kwargs if k.key == "fact_id"]
    plain = len(args) == 1 and len(call.args) + len(call.kwargs) == 1 \
        and call.dyn_args is None and call.dyn_kwargs is None
    if not plain or not isinstance(args[0], nodes.Const) or not isinstance(args[0].value, str):
        raise TemplateSyntaxError(FACT_CALL_HELP, call.lineno)
    return args[0].value


def check_keys(citations: list[Citation], library: Library) -> list[DraftingError]:
    """An error for every citation of a key that ``sources.bib`` does not have."""
    errors = []
    for citation in citations:
        for item in citation.items:
            if item.key not in library.sources:
                hint = suggest(item.key, library.sources)
                errors.append(
                    DraftingError(
                        f"unknown source key '@{item.key}'{hint}; add it to sources.bib",
                        citation.where,
                    )
                )
    return errors


def citations_in(blocks: list[Block]) -> list[Citation]:
    """Every citation in ``blocks``, in order."""
    from drafting.model import NoteMark

    return [c for b in blocks for i in b.inlines if isinstance(i, NoteMark)
            for c in i.note.citations]


def parse_markdown(text: str, where: Location, library: Library) -> list[Block]:
    """Parse Markdown piece by piece (:func:`~drafting.mdcut.chunks`), each piece's parse
    kept by its text alone, so an edit re-parses only the pieces it touched and a moved
    paragraph is not parsed again (markdown-it loads only for text it has not seen).

    Raises every problem of every piece, each at its line."""
    blocks: list[Block] = []
    errors: list[DraftingError] = []
    for offset, piece in chunks(text):
        try:
            blocks.extend(parse_piece(piece, Location(where.path, (where.line or 1) + offset),
                                      library.memo))
        except DraftingError as err:
            errors.extend(getattr(err, "errors", [err]))
    if errors:
        raise_all(errors)
    return blocks


def parse_piece(piece: str, at: Location, memo: Cache | None) -> list[Block]:
    """One piece's blocks, placed at ``at`` (parsed, or taken from ``memo``).

    The piece is kept with its fact marks numbered within it (:func:`local_marks`): a
    fact's paragraph parses once whichever use of it in the brief it is, and a fact
    added above does not make every paragraph below it new."""
    local, numbers = local_marks(piece)
    if numbers:
        blocks = global_marks(parsed_piece(local, at, memo), numbers, local)
        if blocks is not None:
            return blocks
    return parsed_piece(piece, at, memo)


def parsed_piece(piece: str, at: Location, memo: Cache | None) -> list[Block]:
    """:func:`parse_piece` for the text as it is."""
    def parse() -> list:
        from drafting.markdown import parse_blocks

        try:
            return encode_blocks(parse_blocks(piece, Location(None, 1)))
        except DraftingError:  # parsed again where it is, for the errors' places
            parse_blocks(piece, at)
            raise

    return decode_blocks(memoized(memo, piece.encode(), "piece", parse), at)


def local_marks(piece: str) -> tuple[str, list[str]]:
    """``piece`` with its fact marks numbered 0, 1, ... in order, and the numbers they
    had (none when it has no marks)."""
    numbers: list[str] = []

    def local(match: re.Match) -> str:
        if match[2] not in numbers:
            numbers.append(match[2])
        return f"{match[1]}{numbers.index(match[2])}{match[1]}"

    if FACT_OPEN not in piece and FACT_CLOSE not in piece:
        return piece, numbers
    return FACT_MARK.sub(local, piece), numbers


def global_marks(blocks: list[Block], numbers: list[str], local: str) -> list[Block] | None:
    """Blocks parsed from :func:`local_marks`' text ``local`` with the marks numbered as
    in the piece again; None (then the piece is parsed as it is) unless every mark of
    ``local`` came out, in its order, in the blocks' own text, the piece has no
    character reference and no text is a link. A mark swallowed by an HTML block, one
    written as character references (which can stand in for the one swallowed), or one
    in a link's address (percent-encoded there, and never renumbered) would make the
    numbers mean something else."""
    spans = [i for block in blocks for i in block.inlines if isinstance(i, Span)]
    if "&#" in local or any(span.link for span in spans):
        return None
    found = [mark for span in spans if has_marks(span) for mark in FACT_MARK.findall(span.text)]
    if found != FACT_MARK.findall(local):
        return None

    def renumbered(item: Inline) -> Inline:
        if not has_marks(item):
            return item
        return item.styled(text=FACT_MARK.sub(  # type: ignore[union-attr]
            lambda m: f"{m[1]}{numbers[int(m[2])]}{m[1]}", item.text))  # type: ignore[union-attr]

    return [block.with_inlines(tuple(renumbered(i) for i in block.inlines))
            if any(has_marks(i) for i in block.inlines) else block for block in blocks]


def check_text(text: str, where: Location, library: Library) -> list[DraftingError]:
    """Parse Markdown where it was written; return its citation and key errors."""
    try:
        blocks = parse_markdown(text, where, library)
    except DraftingError as err:
        return list(getattr(err, "errors", [err]))
    return check_keys(citations_in(blocks), library)


def template_line(error: BaseException) -> int | None:
    """The body line a Jinja runtime error happened on, from its traceback."""
    tb, line = error.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


FACT_SLOT = pattern("\ue005(\\d+)\ue005")


def render_body(brief: Brief, library: Library, tree: Any = None
                ) -> tuple[str, list[tuple[str, int, int]]]:
    """Run the brief's Jinja: front-matter values and ``fact(id)``, which inserts a fact.

    Returns the text and where each fact landed in it: (id, first line, last line),
    lines counted from 0."""
    return fill_slots(*render_slots(brief, library, tree), library)


def fill_slots(slotted: str, used: list[str], library: Library
               ) -> tuple[str, list[tuple[str, int, int]]]:
    """:func:`render_slots`' text with each fact's current text in its slot."""
    return fill_facts(slotted, [(f, library.fact(f).body.strip()) for f in used])


def render_slots(brief: Brief, library: Library, tree: Any = None
                 ) -> tuple[str, list[str]]:
    """The brief's Jinja run with a slot where each ``fact(id)`` goes, and the facts in
    slot order: what it renders does not depend on the facts' text, so an edited fact
    needs no new run (and no compiling of a long brief)."""
    inserted: list[str] = []

    def fact(fact_id: str) -> str:
        library.fact(str(fact_id))  # an unknown id is an error here, at its line
        inserted.append(str(fact_id))
        return f"\ue005{len(inserted) - 1}\ue005"  # filled in by fill_facts

    plain = plain_calls(brief.body) if tree is None else None
    if plain is not None:
        try:
            return plain_render(brief.body, plain, fact), inserted
        except DraftingError:  # an unknown id: Jinja's run reports it at its line
            inserted.clear()
    try:
        template = body_env().from_string(tree) if tree is not None else \
            template_from(body_env(), brief.body)
        rendered = template.render({**brief.meta, "fact": fact, "brief": brief.meta})
    except jinja("TemplateSyntaxError") as err:
        raise DraftingError(f"Jinja syntax error: {err.message}", brief.where(err.lineno)) from None
    except DraftingError as err:
        line = template_line(err)
        raise DraftingError(err.message, err.where or brief.where(line)) from None
    except jinja("UndefinedError") as err:
        raise DraftingError(f"{err.message}; define it in the front matter",
                            brief.where(template_line(err))) from None
    except jinja("SecurityError") as err:
        raise DraftingError(f"not allowed in a brief: {err.message}",
                            brief.where(template_line(err))) from None
    except jinja("TemplateError") as err:
        raise DraftingError(f"Jinja error: {err.message}",
                            brief.where(template_line(err))) from None
    except EXPRESSION_ERRORS as err:
        raise DraftingError(
            f"error in a Jinja expression: {err}", brief.where(template_line(err))
        ) from None
    except (RecursionError, MemoryError) as err:
        raise too_deep(brief.where(template_line(err)), err) from None
    return rendered, inserted


#: Put around each fact's text before the Markdown is parsed, and turned into
#: :class:`FactMark` inlines after: Unicode punctuation, so that smart quotes and
#: emphasis next to them behave as they would at the start or end of a line.
FACT_OPEN, FACT_CLOSE = "\u2e32", "\u2e35"
FACT_MARK = pattern("([\u2e32\u2e35])(\\d+)\\1")
#: What a line may start with before its text: quote marks, a list marker, a heading's.
BLOCK_PREFIX = pattern(r"^[ \t]*(?:>[ \t]?)*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+)?")
#: Lines after which nothing may follow: an attributes line, a heading, a rule.
UNMARKABLE = pattern(r"^\s*(?:\{[^{}]*\}|#.*|[=\-*_ ]{3,}|```.*|~~~.*)\s*$")


def has_marks(item: Inline) -> bool:
    """Whether ``item`` is text holding a fact's start or end mark (:func:`marked`)."""
    return isinstance(item, Span) and (FACT_OPEN in item.text or FACT_CLOSE in item.text)


def marked(body: str, index: int) -> str:
    """A fact's text with marks where its words start and end (left unmarked when
    they would change its Markdown: a heading or attributes line at either end)."""
    lines = body.split("\n")
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled or FACT_OPEN in body or FACT_CLOSE in body:
        return body
    first, last = filled[0], filled[-1]
    if UNMARKABLE.match(lines[first]) or UNMARKABLE.match(lines[last]):
        return body
    at = BLOCK_PREFIX.match(lines[first]).end()  # type: ignore[union-attr]
    lines[first] = f"{lines[first][:at]}{FACT_OPEN}{index}{FACT_OPEN}{lines[first][at:]}"
    lines[last] = f"{lines[last].rstrip()}{FACT_CLOSE}{index}{FACT_CLOSE}"
    return "\n".join(lines)


def fact_marks(blocks: list[Block], facts: list[str], versions: dict[str, str] | None = None
               ) -> list[Block]:
    """Blocks with the marks :func:`marked` left turned into :class:`FactMark` inlines
    (naming each fact, which use of it in the brief this is, and ``versions``: a digest
    of each fact's text)."""
    seen: dict[str, int] = {}
    uses = {}
    for index, fact in enumerate(facts):
        seen[fact] = uses[index] = seen.get(fact, 0) + 1
    out = []
    for block in blocks:
        if not any(has_marks(i) for i in block.inlines):
            out.append(block)
            continue
        inlines: list[Inline] = []
        for item in block.inlines:
            if not isinstance(item, Span) or not FACT_MARK.search(item.text):
                inlines.append(item)
                continue
            pieces = FACT_MARK.split(item.text)
            for n in range(0, len(pieces), 3):
                if pieces[n]:
                    inlines.append(item.styled(text=pieces[n]))
                if n + 2 < len(pieces) and int(pieces[n + 2]) < len(facts):
                    index = int(pieces[n + 2])
                    inlines.append(FactMark(facts[index], uses[index],
                                            pieces[n + 1] == FACT_OPEN,
                                            (versions or {}).get(facts[index], "")))
        out.append(block.with_inlines(tuple(inlines)))
    return out


def fill_facts(rendered: str, inserted: list[tuple[str, str]]
               ) -> tuple[str, list[tuple[str, int, int]]]:
    """Put each fact's text in its slot (marked where it starts and ends), noting the
    lines it spans."""
    out, origins, position, line = [], [], 0, 0
    for match in FACT_SLOT.finditer(rendered):
        before = rendered[position : match.start()]
        line += before.count("\n")
        fact_id, body = inserted[int(match[1])]
        origins.append((fact_id, line, line + body.count("\n")))
        out += [before, marked(body, len(origins) - 1)]
        line += body.count("\n")
        position = match.end()
    out.append(rendered[position:])
    return "".join(out), origins


def assemble(brief: Brief, library: Library) -> Assembled:
    """Check every part of ``brief``, then expand it into blocks.

    Facts are checked one by one (each where it was written); the brief's own text is
    parsed a second time, for exact lines, only when something in it is wrong."""
    own = Location(brief.path, brief.body_line)
    errors: list[DraftingError] = []
    trees: dict[str, Any] = {}  # the parsed body, when it was parsed here
    try:
        calls = memoized(library.memo, brief.body.encode(), "fact-calls",
                         lambda: body_calls(brief.body, trees),
                         decode=lambda data: [(str(f), int(n)) for f, n in data])
    except jinja("TemplateSyntaxError") as err:
        prefix = "" if err.message in JINJA_OWN_MESSAGES else "Jinja syntax error: "
        errors.append(DraftingError(f"{prefix}{err.message}", brief.where(err.lineno)))
        calls = []
    checked: set[str] = set()
    for fact_id, line in calls:
        try:
            fact = library.fact(fact_id, brief.where(line))
        except DraftingError as err:
            errors.append(err)
            continue
        if fact_id not in checked:  # a fact used twice is checked once
            checked.add(fact_id)
            errors.extend(check_text(fact.body, Location(fact.path, fact.body_line), library))
    if errors:
        raise_all(dedupe(check_text(brief.body, own, library) + errors))
    tree = trees.get(brief.body)
    # The same brief and values render the same text with the same slots for facts
    # (every fact it can use is in ``calls``: body_calls refuses computed ids).
    try:
        values = typed_key(brief.meta)
    except TypeError:  # values that cannot be keyed: rendered every time
        values = None
    slotted, used = memoized(library.memo if values else None,
                             b"\0\0".join([brief.body.encode(), values or b""]), "slots",
                             lambda: render_slots(brief, library, tree),
                             decode=lambda data: (str(data[0]), [str(f) for f in data[1]]))
    text, origins = fill_slots(slotted, used, library)
    try:
        from drafting.wordml import text_version

        versions = {f: text_version(library.fact(f).body) for f in set(used)}
        blocks = fact_marks(parse_markdown(text, own, library), used, versions)
        problems = check_keys(citations_in(blocks), library)
    except DraftingError as err:
        blocks, problems = [], list(getattr(err, "errors", [err]))
    if problems:  # report them where the brief's own text has them
        raise_all(dedupe(check_text(brief.body, own, library) or problems))
    return Assembled(brief=brief, blocks=blocks, facts=list(dict.fromkeys(f for f, _ in calls)),
                     origins=origins)


def dedupe(errors: list[DraftingError]) -> list[DraftingError]:
    """Drop repeats (a fact used twice reports its problem once)."""
    seen, out = set(), []
    for err in errors:
        if str(err) not in seen:
            seen.add(str(err))
            out.append(err)
    return out
