"""The main job: brief → assembled document → resolved notes → Word file.

Everything is gathered and checked first; the output is written last, through a
temporary file, so a failed build never leaves a partial or damaged file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting import record, word
from drafting.assemble import Assembled, Brief, assemble, load_brief
from drafting.cache import CACHE_DIR, Cache, cache_path, memoized
from drafting.errors import DraftingError, Location
from drafting.inputs import Reads, confined, forget_folders, is_input, recording
from drafting.library import Library, find_root, load_library
from drafting.model import (
    Inline,
    Note,
    NoteMark,
    decode_inline,
    encode_inline,
    plain_text,
    unplaced,
)
from drafting.resolve import ResolvedNote, resolve, resolve_cross_references
from drafting.style import Formatter, Style, load_style
from drafting.typography import typeset_blocks, typeset_values
from drafting.values import dataclass

if TYPE_CHECKING:
    from drafting.authorities import Table

DEFAULT_STYLE = "house"
BUILD_CACHE_VERSION = "5"
#: Front-matter fields that steer the build and are not template values.
BUILD_FIELDS = ("template", "style", "bibliography", "table_of_authorities", "list_of_sources")


@dataclass
class BuildResult:
    """What a build wrote."""

    output: Path
    footnotes: int
    facts: list[str]
    changes: list[str] | None = None  # since the previous build; None if there was none


def notes_of(assembled: Assembled) -> list[Note]:
    """Every note of the document, in order."""
    return [
        item.note
        for block in assembled.blocks
        for item in block.inlines
        if isinstance(item, NoteMark)
    ]


def template_path(meta: dict[str, Any], root: Path, where: Location) -> Path:
    """The template a brief names: a name in ``templates/`` or a path in the library."""
    name = str(meta["template"])
    candidate = root / name
    if candidate.suffix.lower() == ".docx" and is_input(candidate):
        return confined(candidate, root, where, "template")
    path = root / "templates" / (name if name.endswith(".docx") else f"{name}.docx")
    if not is_input(path):
        known = sorted(p.stem for p in (root / "templates").glob("*.docx"))
        listed = ", ".join(known) if known else "none found"
        raise DraftingError(f"unknown template '{name}'; templates: {listed}", where)
    return confined(path, root, where, "template")


def open_library(brief_path: Path, meta: dict[str, Any], memo: Cache | None = None) -> Library:
    """The library a brief belongs to (the nearest folder with snippets/ or sources.bib)."""
    root = find_root(brief_path.parent)
    bib = meta.get("bibliography")
    path = confined(root / str(bib), root, Location(brief_path, 2), "bibliography") \
        if bib else None
    if path is not None and not is_input(path):
        raise DraftingError(f"bibliography '{bib}' not found; check the path (from the "
                            "library's top folder)", Location(brief_path, 2))
    return load_library(root, path, memo)


def choose_style(name: str | None, brief: Brief, root: Path, memo: Cache | None = None) -> Style:
    """The style from the command line, else the brief's ``style``, else the default."""
    try:
        return load_style(name or str(brief.meta.get("style", DEFAULT_STYLE)), root, memo)
    except DraftingError as err:
        if err.where is None and not name:
            raise DraftingError(err.message, brief.where()) from None
        raise


def default_output(root: Path, brief_name: str) -> Path:
    """``build/NAME.docx`` in the library, creating ``build/``."""
    folder = root / "build"
    folder.mkdir(exist_ok=True)
    return folder / f"{brief_name}.docx"


@dataclass
class Prepared:
    """A brief gathered and checked, ready to be written: everything but the Word file."""

    brief: Brief
    library: Library
    assembled: Assembled
    style: Style
    template: Path
    context: dict[str, Any]
    rendering: word.Rendering | None = None  # the template's, begun early (build)


def prepare(brief_path: Path, style: str | None = None,
            library: Library | None = None, use_cache: bool = True,
            background: bool = False) -> Prepared:
    """Read and check everything a build needs; raises on the first kind of problem.

    ``library`` is an already loaded library to reuse (``check`` builds many briefs).
    Otherwise files parsed by an earlier build are taken from ``.drafting-cache/`` when
    their content has not changed. With ``background``, a template that must be
    rendered is rendered in a forked child while the facts are read
    (:func:`early_rendering`)."""
    forget_folders()
    root = library.root if library else find_root(brief_path.parent)
    if library:
        memo = library.memo
    else:
        memo = Cache(root, "build", BUILD_CACHE_VERSION, keep=5000, blob_over=64 * 1024) \
            if use_cache else None
    brief = load_brief(brief_path, memo)
    early = early_rendering(brief, style, root, memo, use_cache) if background else None
    rendering = early[0] if early else None
    try:
        if library is None or brief.meta.get("bibliography"):
            library = open_library(brief_path, brief.meta, memo)
        assembled = assemble(brief, library)
        # (worked out by early_rendering when it could; else here, errors in this order)
        chosen = early[1] if early else choose_style(style, brief, library.root, memo)
        words = chosen.data.get("cross_reference") or {}
        assembled.blocks = resolve_cross_references(
            assembled.blocks, words.get("before", "supra"), words.get("after", "infra"))
        template = early[2] if early else template_path(brief.meta, library.root,
                                                        brief.where())
        context = early[3] if early else filing_values(brief, chosen)
    except BaseException:
        if rendering is not None:
            rendering.stop()
        raise
    return Prepared(brief, library, assembled, chosen, template, context, rendering)


def filing_values(brief: Brief, style: Style) -> dict[str, Any]:
    """The front-matter values the template is rendered with, typeset."""
    return typeset_values({k: v for k, v in brief.meta.items() if k not in BUILD_FIELDS},
                          style.typography)


def early_rendering(brief: Brief, style: str | None, root: Path, memo: Cache | None,
                    use_cache: bool
                    ) -> tuple[word.Rendering, Style, Path, dict[str, Any]] | None:
    """The template's rendering, begun before the facts are read (in a forked child
    when it is not in the cache), with the style, template and values it took; None
    when the style or template has a problem, which :func:`prepare` then reports in
    its turn."""
    try:
        chosen = choose_style(style, brief, root, memo)
        template = template_path(brief.meta, root, brief.where())
        context = filing_values(brief, chosen)
        rendered = cache_path(root, "rendered", folder=True) if use_cache else None
        return (word.start_template(template, context, brief.where(), rendered,
                                    background=True), chosen, template, context)
    except DraftingError:
        return None


def format_notes(prepared: Prepared, first_number: int) -> list[list[Inline]]:
    """Every footnote's content, short forms decided on the final order.

    Kept in the library's cache under everything that decides it (:func:`notes_key`):
    an edit of a fact's words, which is most edits, leaves the notes as they were."""
    if prepared.library.memo is None:  # (no cache: the key would be thrown away)
        return formatted(prepared, first_number)
    return memoized(prepared.library.memo, notes_key(prepared, first_number), "notes",
                    lambda: formatted(prepared, first_number),
                    encode=lambda notes: [[encode_inline(p) for p in n] for n in notes],
                    decode=lambda data: [[decode_inline(p) for p in n] for n in data])


def notes_key(prepared: Prepared, first_number: int) -> bytes:
    """What the notes' content depends on: the style (its text and tables), the first
    number, every note's parts (not where they were written), and each cited source's
    type and fields."""
    marks = notes_of(prepared.assembled)
    notes = [[unplaced(encode_inline(p)) for p in note.parts] for note in marks]
    sources = prepared.library.sources
    cited = sorted({item.key for note in marks for citation in note.citations
                    for item in citation.items})
    entries = [[key, sources[key].type, sources[key].fields] if key in sources else [key]
               for key in cited]
    return json.dumps([prepared.style.digest, first_number, notes, entries],
                      sort_keys=True).encode()


def resolved_notes(prepared: Prepared, first_number: int
                   ) -> tuple[list[ResolvedNote], Formatter]:
    """The notes with their short forms decided, and the formatter that writes them."""
    types = {key: source.type for key, source in prepared.library.sources.items()}
    resolved = resolve(notes_of(prepared.assembled), types, first_number=first_number,
                       no_supra=prepared.style.no_supra)
    return resolved, Formatter(prepared.style, prepared.library.sources,
                               prepared.library.memo)


def formatted(prepared: Prepared, first_number: int) -> list[list[Inline]]:
    """Every footnote's content."""
    resolved, formatter = resolved_notes(prepared, first_number)
    return [formatter.note(note) for note in resolved]


def indexes(prepared: Prepared, first_number: int
            ) -> tuple[Table | None, tuple[str, list[list[Inline]]] | None]:
    """The table of authorities and the list of sources, when the brief asks for them
    (``table_of_authorities: true`` or a title; ``list_of_sources: true`` or a title)."""
    meta = prepared.brief.meta
    table = sources = None
    if not (meta.get("table_of_authorities") or meta.get("list_of_sources")):
        return None, None
    from drafting.authorities import list_of_sources, table_of_authorities

    resolved, formatter = resolved_notes(prepared, first_number)
    if meta.get("table_of_authorities"):
        title = meta["table_of_authorities"]
        table = table_of_authorities(resolved, formatter,
                                     title if isinstance(title, str) else None)
    if meta.get("list_of_sources"):
        title = meta["list_of_sources"]
        if not isinstance(title, str):
            title = str(prepared.style.data.get("list_of_sources", "Sources"))
        sources = (title, list_of_sources(resolved, formatter))
    return table, sources


def dry_run(brief_path: Path, library: Library | None = None) -> int:
    """Check that a brief would build, without the Word stack or writing anything.

    Returns the number of footnotes it would have."""
    prepared = prepare(brief_path, library=library)
    word.check_template(prepared.template, prepared.context, prepared.brief.where())
    return len(format_notes(prepared, 1))


def build(brief_path: Path, output: Path | None = None, style: str | None = None,
          use_cache: bool = True, remember: bool = True, compare: bool = False
          ) -> BuildResult:
    """Build ``brief_path`` into a .docx; returns where it went and what it holds.

    Files parsed by earlier builds come from ``.drafting-cache/`` unless ``use_cache``
    is off; the build is kept as the brief's last (for ``--changes`` and ``used-by``)
    unless ``remember`` is off; with ``compare``, what changed since the last is said
    (difflib over every note: only when asked)."""
    with recording() as reads:
        prepared = prepare(brief_path, style, use_cache=use_cache, background=True)
        rendering = prepared.rendering or word.start_template(
            prepared.template, prepared.context, prepared.brief.where(),
            cache_path(prepared.library.root, "rendered", folder=True) if use_cache else None)
    with rendering:  # stopped, if still under way, whatever happens
        if output is not None:
            refuse_input_as_output(output, prepared.library.root, reads)
        # formatted while the template renders, numbered from 1 (a template with notes
        # of its own before the body has them formatted again once that is known)
        try:
            notes = format_notes(prepared, 1)
        except DraftingError:
            rendering.filing()  # a broken template is reported first, as it always was
            raise
        filing = rendering.filing()
    first = filing.notes_before + 1
    if filing.notes_before:
        notes = format_notes(prepared, first)
    table, sources = indexes(prepared, first)
    blocks = typeset_blocks(prepared.assembled.blocks, prepared.style.typography)
    word.fill(filing, blocks, notes, table, sources)
    out = output or default_output(prepared.library.root, prepared.brief.name)
    word.save(filing, out)
    if prepared.library.memo:
        prepared.library.memo.save()
    now = note_records(prepared, first, notes)
    before = record.load(prepared.library.root, brief_path) if compare else None
    if remember:
        record.save(prepared.library.root, brief_path, out, now)
    if remember and use_cache:  # the next `drafting build` of it may be skipped
        from drafting.uptodate import built

        built(prepared.library.root, brief_path, out, style, reads.seen, len(notes),
              prepared.assembled.facts)
    return BuildResult(output=out, footnotes=len(notes), facts=prepared.assembled.facts,
                       changes=None if before is None else record.changes(before, now))


#: Library folders and files that hold inputs: never a place for a built document.
INPUT_PLACES = ("snippets", "briefs", "templates", "styles", "sources", "sources.bib",
                "drafting.yaml", CACHE_DIR, ".git")


def refuse_input_as_output(output: Path, root: Path, reads: Reads) -> None:
    """Refuse an output path that would overwrite a file this build read, or any file in
    the library's input folders or in a git repository's own folder (nothing is written)."""
    where = Location(output)
    if output.suffix.lower() != ".docx":
        raise DraftingError("the output must be a .docx file; give a path ending in .docx",
                            where)
    target = output.resolve()
    if str(target) in reads.seen:
        raise DraftingError("this is an input of the build; choose another output path", where)
    if ".git" in target.parts:
        raise DraftingError("the output would go inside a .git folder; choose another path",
                            where)
    try:
        first = target.relative_to(root.resolve()).parts[0]
    except (ValueError, IndexError):
        return
    if first in INPUT_PLACES:
        raise DraftingError(f"the output would go into the library's {first}; write it to "
                            "build/ or outside the library", where)


def note_records(prepared: Prepared, first_number: int,
                 notes: list[list[Inline]]) -> list[record.NoteRecord]:
    """What each footnote says, cites, and which fact it came from."""
    marks = notes_of(prepared.assembled)
    out = []
    for number, (note, parts) in enumerate(zip(marks, notes, strict=True), start=first_number):
        items = [item for citation in note.citations for item in citation.items]
        keys = [item.key for item in items]
        cites = tuple(f"{item.key}, {item.pin}" for item in items)
        out.append(record.NoteRecord(number, plain_text(parts), list(dict.fromkeys(keys)),
                                     prepared.assembled.fact_at(note.where.line or 0), cites))
    return out
