"""Assemble a brief: expand its Jinja body with facts into one Markdown document.

Every part is checked where it was written before it is assembled: the brief's own
text, each fact it pulls in, and every source key, so an error names the file and
line the user must fix, not a line of some intermediate text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from drafting.errors import DraftingError, Location, raise_all
from drafting.library import Library, read_text, split_front_matter, suggest
from drafting.markdown import citations_in, parse_blocks
from drafting.model import Block, Citation

BODY_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)


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


def load_brief(path: Path) -> Brief:
    """Read a brief file."""
    if not path.is_file():
        raise DraftingError("no such brief file; check the path", Location(path))
    meta, body, line = split_front_matter(read_text(path), path)
    if "template" not in meta:
        raise DraftingError(
            "the front matter names no 'template'; add e.g. 'template: pre-hearing-brief'",
            Location(path, 2),
        )
    return Brief(path=path, meta=meta, body=body, body_line=line)


INCLUDES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def fact_calls(source: str) -> list[tuple[str, int]]:
    """The ``fact("id")`` calls with a constant id in a Jinja body, with their lines.

    Raises for ``include``/``import``/``extends``: a brief reads no other files."""
    tree = BODY_ENV.parse(source)
    for node in tree.find_all(INCLUDES):
        raise TemplateSyntaxError("a brief cannot include files; pull facts in with "
                                  '{{ fact("id") }}', node.lineno)
    calls = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "fact" and call.args:
            arg = call.args[0]
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                calls.append((arg.value, call.lineno))
    return calls


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


def check_text(text: str, where: Location, library: Library) -> list[DraftingError]:
    """Parse Markdown where it was written; return its citation and key errors."""
    try:
        blocks = parse_blocks(text, where)
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


def render_body(brief: Brief, library: Library) -> str:
    """Run the brief's Jinja: front-matter values and ``fact(id)``, which inserts a fact."""
    used: list[str] = []

    def fact(fact_id: str) -> str:
        used.append(fact_id)
        return library.fact(str(fact_id)).body.strip()

    try:
        template = BODY_ENV.from_string(brief.body)
        return template.render({**brief.meta, "fact": fact, "brief": brief.meta})
    except TemplateSyntaxError as err:
        raise DraftingError(f"Jinja syntax error: {err.message}", brief.where(err.lineno)) from None
    except DraftingError as err:
        line = template_line(err)
        raise DraftingError(err.message, err.where or brief.where(line)) from None
    except UndefinedError as err:
        raise DraftingError(f"{err.message}; define it in the front matter",
                            brief.where(template_line(err))) from None
    except SecurityError as err:
        raise DraftingError(f"not allowed in a brief: {err.message}",
                            brief.where(template_line(err))) from None
    except TemplateError as err:
        raise DraftingError(f"Jinja error: {err.message}",
                            brief.where(template_line(err))) from None
    except (TypeError, ValueError, ArithmeticError) as err:
        raise DraftingError(
            f"error in a Jinja expression: {err}", brief.where(template_line(err))
        ) from None


def assemble(brief: Brief, library: Library) -> Assembled:
    """Check every part of ``brief``, then expand it into blocks."""
    errors = check_text(brief.body, Location(brief.path, brief.body_line), library)
    try:
        calls = fact_calls(brief.body)
    except TemplateSyntaxError as err:
        prefix = "" if "cannot include" in (err.message or "") else "Jinja syntax error: "
        errors.append(DraftingError(f"{prefix}{err.message}", brief.where(err.lineno)))
        calls = []
    for fact_id, line in calls:
        try:
            fact = library.fact(fact_id, brief.where(line))
        except DraftingError as err:
            errors.append(err)
            continue
        errors.extend(check_text(fact.body, Location(fact.path, fact.body_line), library))
    raise_all(dedupe(errors))
    text = render_body(brief, library)
    blocks = parse_blocks(text, Location(brief.path, brief.body_line))
    raise_all(check_keys(citations_in(blocks), library))
    return Assembled(brief=brief, blocks=blocks, facts=list(dict.fromkeys(f for f, _ in calls)))


def dedupe(errors: list[DraftingError]) -> list[DraftingError]:
    """Drop repeats (a fact used twice reports its problem once)."""
    seen, out = set(), []
    for err in errors:
        if str(err) not in seen:
            seen.add(str(err))
            out.append(err)
    return out
