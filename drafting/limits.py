"""Limits on the work hostile input can cause: every one fails with a clear message.

The numbers are far above what a real library needs; they only keep a build or a check
from hanging, running out of memory or overflowing the stack on crafted input.
"""

from __future__ import annotations

from typing import Any

from drafting.errors import DraftingError, Location
from drafting.patterns import pattern

#: YAML (front matter, styles, drafting.yaml): size, nesting and nodes after aliases.
MAX_YAML_BYTES = 1_000_000
MAX_YAML_DEPTH = 50
MAX_YAML_NODES = 100_000
#: Markdown: ``[`` (and ``^[``) open at once within a paragraph.
MAX_BRACKET_DEPTH = 50
#: BibTeX: braces nested in one entry.
MAX_BRACE_DEPTH = 32
#: Jinja (brief bodies, styles, .docx templates).
MAX_JINJA_NESTING = 20  # nested block tags, or brackets in an expression
MAX_RENDER_SECONDS = 10.0  # one render
MAX_RENDER_CHARS = 5_000_000  # text one render writes
MAX_RENDER_STEPS = 1_000_000  # loop iterations and calls in one render
MAX_STYLE_STEPS = 10_000  # the same for one citation of a style template
MAX_VALUE_CHARS = 1_000_000  # one string, list or number of digits made by an expression
MAX_CALL_DEPTH = 50  # macros calling macros


class LimitError(DraftingError):
    """A limit on hostile input was hit."""


def yaml_limit(what: str, limit: int, line: int, where: Location | None) -> LimitError:
    """The error for a YAML limit at a 1-based ``line`` of the text."""
    place = Location(where.path, (where.line or 1) + line - 1) if where else None
    return LimitError(f"YAML {what} (the limit is {limit:,}); simplify it", place)


def check_yaml(text: str, where: Location | None = None) -> None:
    """Refuse YAML that is too large, too deeply nested, or expands (through ``*alias``
    references) to too many values, before anything is built from it.

    ``where`` is the location of the text's first line."""
    import yaml
    from yaml import events

    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        raise yaml_limit("text is too large", MAX_YAML_BYTES, 1, where)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    starts: list[tuple[int, str | None]] = []  # open collections: values before, anchor
    anchored: dict[str, int] = {}  # values under each anchor
    total = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, events.CollectionStartEvent):
            starts.append((total, event.anchor))
            total += 1
            if len(starts) > MAX_YAML_DEPTH:
                raise yaml_limit("is nested too deeply", MAX_YAML_DEPTH, line, where)
        elif isinstance(event, events.CollectionEndEvent):
            before, anchor = starts.pop()
            if anchor:
                anchored[anchor] = total - before
        elif isinstance(event, events.ScalarEvent):
            total += 1
            if event.anchor:
                anchored[event.anchor] = 1
        elif isinstance(event, events.AliasEvent):
            total += anchored.get(event.anchor or "", 1)
        if total > MAX_YAML_NODES:
            raise yaml_limit("has too many values (counting what aliases repeat)",
                             MAX_YAML_NODES, line, where)


def check_brackets(text: str, where: Location) -> None:
    """Refuse Markdown with more than :data:`MAX_BRACKET_DEPTH` ``[`` open at once in a
    paragraph (``where`` is the location of the text's first line)."""
    if text.count("[") <= MAX_BRACKET_DEPTH:
        return
    depth, line = 0, 0
    for match in BRACKETS.finditer(text):
        token = match.group()
        if token == "[":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                line += text.count("\n", 0, match.start())
                raise LimitError(
                    f"more than {MAX_BRACKET_DEPTH} '[' open at once (citations or notes "
                    "nested too deeply); close them or escape them as '\\['",
                    where.shifted(line))
        elif token == "]":
            depth = max(0, depth - 1)
        elif token.startswith("\n"):
            depth = 0


#: What changes bracket depth: an escape, a bracket, a blank line (a new paragraph).
BRACKETS = pattern(r"\\.|[\[\]]|\n[ \t]*\n")


def deep_brace(text: str) -> int:
    """The offset where braces first nest deeper than :data:`MAX_BRACE_DEPTH`, or -1."""
    depth = 0
    for match in BRACES.finditer(text):
        token = match.group()
        if token == "{":
            depth += 1
            if depth > MAX_BRACE_DEPTH:
                return match.start()
        elif token == "}":
            depth = max(0, depth - 1)
        elif token.startswith("\n@"):
            depth = 0  # a new entry
    return -1


BRACES = pattern(r"\\[{}]|[{}]|\n@")


def blank_deep_entries(text: str) -> tuple[str, list[int]]:
    """BibTeX text with every entry whose braces nest too deeply blanked out (its lines
    kept, empty), and the 1-based lines where those entries start."""
    lines: list[int] = []
    while (at := deep_brace(text)) >= 0:
        start = text.rfind("\n@", 0, at) + 1
        end = text.find("\n@", at)
        end = len(text) if end < 0 else end + 1
        lines.append(text.count("\n", 0, start) + 1)
        text = text[:start] + "\n" * text.count("\n", start, end) + text[end:]
    return text, lines


def brace_error(line: int, where: Any) -> LimitError:
    """The error for a BibTeX entry whose braces nest too deeply."""
    return LimitError(f"an entry nests braces more than {MAX_BRACE_DEPTH} deep; remove the "
                      "extra braces", Location(where, line))


#: What a Jinja expression can raise on bad values ("{a}".format(), truncate(-1), ...).
EXPRESSION_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, AssertionError,
                     AttributeError)


def too_deep(where: Location | None, error: BaseException | None = None) -> LimitError:
    """The error for input nested so deeply that Python ran out of stack (or memory)."""
    if isinstance(error, MemoryError):
        return LimitError("not enough memory to process this (a value grows too large); "
                          "simplify it", where)
    return LimitError("nested too deeply to process (macros calling themselves, or "
                      "brackets inside brackets); simplify it", where)
