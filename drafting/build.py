"""The main job: brief → assembled document → resolved notes → Word file.

Everything is gathered and checked first; the output is written last, through a
temporary file, so a failed build never leaves a partial or damaged file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting import word
from drafting.assemble import Assembled, Brief, assemble, load_brief
from drafting.errors import DraftingError, Location
from drafting.library import Library, find_root, load_library
from drafting.model import Note, NoteMark
from drafting.resolve import resolve
from drafting.style import Formatter, Style, load_style

DEFAULT_STYLE = "house"
#: Front-matter fields that steer the build and are not template values.
BUILD_FIELDS = ("template", "style", "bibliography")


@dataclass
class BuildResult:
    """What a build wrote."""

    output: Path
    footnotes: int
    facts: list[str]


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
    if candidate.suffix.lower() == ".docx" and candidate.is_file():
        return candidate
    path = root / "templates" / (name if name.endswith(".docx") else f"{name}.docx")
    if not path.is_file():
        known = sorted(p.stem for p in (root / "templates").glob("*.docx"))
        listed = ", ".join(known) if known else "none found"
        raise DraftingError(f"unknown template '{name}'; templates: {listed}", where)
    return path


def open_library(brief_path: Path, meta: dict[str, Any]) -> Library:
    """The library a brief belongs to (the nearest folder with snippets/ or sources.bib)."""
    root = find_root(brief_path.parent)
    bib = meta.get("bibliography")
    return load_library(root, root / str(bib) if bib else None)


def choose_style(name: str | None, brief: Brief, root: Path) -> Style:
    """The style from the command line, else the brief's ``style``, else the default."""
    try:
        return load_style(name or str(brief.meta.get("style", DEFAULT_STYLE)), root)
    except DraftingError as err:
        if err.where is None and not name:
            raise DraftingError(err.message, brief.where()) from None
        raise


def default_output(root: Path, brief_name: str) -> Path:
    """``build/NAME.docx`` in the library, creating ``build/``."""
    folder = root / "build"
    folder.mkdir(exist_ok=True)
    return folder / f"{brief_name}.docx"


def build(brief_path: Path, output: Path | None = None, style: str | None = None) -> BuildResult:
    """Build ``brief_path`` into a .docx; returns where it went and what it holds."""
    brief = load_brief(brief_path)
    library = open_library(brief_path, brief.meta)
    assembled = assemble(brief, library)
    chosen = choose_style(style, brief, library.root)
    template = template_path(brief.meta, library.root, brief.where())
    context = {k: v for k, v in brief.meta.items() if k not in BUILD_FIELDS}
    filing = word.render_template(template, context, brief.where())
    types = {key: source.type for key, source in library.sources.items()}
    resolved = resolve(
        notes_of(assembled), types, first_number=filing.notes_before + 1, no_supra=chosen.no_supra
    )
    formatter = Formatter(chosen, library.sources)
    word.fill(filing, assembled.blocks, [formatter.note(note) for note in resolved])
    out = output or default_output(library.root, brief.name)
    word.save(filing, out)
    return BuildResult(output=out, footnotes=len(resolved), facts=assembled.facts)
