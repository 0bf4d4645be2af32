"""Keep the shared library: add, rename, import and format facts and sources.

Nothing here loses a word: every write is atomic; every read-modify-write holds the
library lock; a rename or fmt changes every file or none, even when killed; a BibTeX
block the parser cannot read is carried along verbatim.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from drafting import bibfile
from drafting.errors import DraftingError, Location, display_path
from drafting.library import FACT_ID, read_text, scan_facts, suggest
from drafting.store import Transaction, library_lock

KEY_CHARS = r"[\w:.#$%&+?<>~/-]"


def bib_path(root: Path) -> Path:
    return root / "sources.bib"


def read_bib(root: Path) -> tuple[Path, list[bibfile.Chunk]]:
    path = bib_path(root)
    text = read_text(path) if path.exists() else ""
    return path, bibfile.parse(text)


# ------------------------------------------------------------------ facts

def new_fact(root: Path, fact_id: str, body: str, title: str | None = None,
             tags: tuple[str, ...] = (), cite: str | None = None, folder: str = "",
             today: dt.date | None = None) -> Path:
    """Create ``snippets/[folder/]ID.md``; refuses an id the library already has."""
    if not FACT_ID.match(fact_id):
        raise DraftingError(f"'{fact_id}' is not a usable fact id; use letters, digits, "
                            "'-', '_' and '.', like 'ilo-cas-2019-regret'")
    with library_lock(root):
        return write_new_fact(root, fact_id, body, title, tags, cite, folder, today)


def write_new_fact(root: Path, fact_id: str, body: str, title: str | None,
                   tags: tuple[str, ...], cite: str | None, folder: str,
                   today: dt.date | None) -> Path:
    """:func:`new_fact`, with the library lock held."""
    existing = scan_facts(root / "snippets").get(fact_id)
    if existing:
        raise DraftingError(f"fact '{fact_id}' already exists; choose another id",
                            Location(existing[0]))
    target = (root / "snippets" / folder).resolve()
    if root.resolve() / "snippets" not in [target, *target.parents]:
        raise DraftingError(f"folder '{folder}' is not inside snippets/")
    text = body.strip()
    if cite:
        key, _, pin = (part.strip() for part in cite.partition(","))
        _, chunks = read_bib(root)
        if key not in bibfile.entries(chunks):
            raise DraftingError(f"unknown source key '{key}'"
                                f"{suggest(key, bibfile.entries(chunks))}; add it first")
        text = f"{text} [@{key}{', ' + pin if pin else ''}]".strip()
    if not text:
        raise DraftingError("the fact has no text; give it with --text, on standard input, "
                            "or in the editor")
    title = title or fact_id.replace("-", " ").capitalize()
    tag_list = ", ".join(yaml_scalar(t) for t in tags)
    front = (f"---\ntitle: {yaml_scalar(title)}\ntags: [{tag_list}]\n"
             f"as_of: {(today or dt.date.today()).isoformat()}\n---\n")
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{fact_id}.md"
    Transaction(root, {path: front + text + "\n"}).commit()
    return path


def yaml_scalar(value: str) -> str:
    """A YAML scalar, quoted when plain style would change its meaning."""
    import yaml

    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    return dumped.strip().removesuffix("...").strip()


def library_texts(root: Path) -> dict[Path, str]:
    """Every fact and brief, as text (refusing to go on if one cannot be read)."""
    paths = [p for ps in scan_facts(root / "snippets").values() for p in ps]
    paths += sorted((root / "briefs").glob("*.md"))
    return {path: read_text(path) for path in paths}


def rename_fact(root: Path, old: str, new: str) -> list[Path]:
    """Rename a fact and every ``fact("old")`` and ``superseded_by: old``; all or nothing."""
    with library_lock(root):
        return renamed_fact(root, old, new)


def renamed_fact(root: Path, old: str, new: str) -> list[Path]:
    """:func:`rename_fact`, with the library lock held."""
    facts = scan_facts(root / "snippets")
    if old not in facts:
        raise DraftingError(f"unknown fact '{old}'{suggest(old, facts)}")
    if len(facts[old]) > 1:
        raise DraftingError(f"fact id '{old}' is used by several files; resolve that first")
    if new in facts:
        raise DraftingError(f"fact '{new}' already exists", Location(facts[new][0]))
    if not FACT_ID.match(new):
        raise DraftingError(f"'{new}' is not a usable fact id")
    texts = library_texts(root)
    call = re.compile(r"(\bfact\(\s*(?:fact_id\s*=\s*)?)([\"'])" + re.escape(old) + r"\2(\s*\))")
    successor = re.compile(r"(?m)^(superseded_by:\s*[\"']?)" + re.escape(old) + r"([\"']?\s*)$")
    transaction = Transaction(root)
    for path, text in texts.items():
        changed = call.sub(lambda m: m[1] + m[2] + new + m[2] + m[3], text)
        changed = successor.sub(lambda m: m[1] + new + m[2], changed)
        if path == facts[old][0]:
            transaction.write(path.with_name(f"{new}.md"), changed)
            transaction.delete(path)
        elif changed != text:
            transaction.write(path, changed)
    transaction.commit()
    return transaction.paths


def citation_pattern(key: str) -> re.Pattern[str]:
    """``@key`` in a citation, not as the start of a longer key."""
    return re.compile(r"(?<![\w@])(-?@)" + re.escape(key) + r"(?!\w|" + KEY_CHARS + r"\w)")


def rename_source(root: Path, old: str, new: str) -> list[Path]:
    """Rename a source key in sources.bib and every citation of it; all or nothing."""
    if not re.fullmatch(r"\w(?:" + KEY_CHARS + r"*\w)?", new):
        raise DraftingError(f"'{new}' is not a usable source key")
    bib = bib_path(root)
    with library_lock(root):
        _, chunks = read_bib(root)
        entries = bibfile.entries(chunks)
        if old not in entries:
            raise DraftingError(f"unknown source key '{old}'{suggest(old, entries)}",
                                Location(bib))
        if new in entries:
            raise DraftingError(f"source key '{new}' already exists",
                                Location(bib, entries[new].line))
        bibfile.rename_key(entries[old], new)
        for chunk in chunks:  # crossref = {old}
            if chunk.kind == "entry" and any(n == "crossref" for n, _ in chunk.fields):
                chunk.text = re.sub(r"(crossref\s*=\s*[{\"]\s*)" + re.escape(old) + r"(\s*[}\"])",
                                    lambda m: m[1] + new + m[2], chunk.text, flags=re.I)
        transaction = Transaction(root)
        transaction.write(bib, bibfile.join(chunks))
        pattern = citation_pattern(old)
        for path, text in library_texts(root).items():
            changed = pattern.sub(lambda m: m[1] + new, text)
            if changed != text:
                transaction.write(path, changed)
        transaction.commit()
    return transaction.paths


# ------------------------------------------------------------------ sources

@dataclass
class Merge:
    """What adding or importing sources did."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # new, existing, why
    kept_verbatim: list[int] = field(default_factory=list)  # lines of unreadable blocks


def normal_doi(value: str) -> str:
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip().strip("{}").lower())


def normal_url(value: str) -> str:
    value = value.strip().strip("{}").lower()
    value = re.sub(r"^https?://(www\.)?", "", value)
    return value.rstrip("/")


def normal_title(value: str) -> str:
    """A title without case, braces and punctuation, for comparing."""
    return " ".join(re.sub(r"[^\w\s]", " ", re.sub(r"[{}]", "", value.lower())).split())


def field_map(chunk: bibfile.Chunk) -> dict[str, str]:
    return {name: value for name, value in chunk.fields}


def duplicate_of(chunk: bibfile.Chunk, existing: dict[str, bibfile.Chunk]) -> tuple[str, str]:
    """The existing entry this one duplicates and why, or ``("", "")``."""
    from rapidfuzz import fuzz

    mine = field_map(chunk)
    if chunk.key in existing:
        same = bibfile.normalized_values([existing[chunk.key]])[chunk.key] == \
            bibfile.normalized_values([chunk])[chunk.key]
        return chunk.key, "the same entry" if same else "the same key, different fields"
    title = normal_title(mine.get("title", ""))
    for key, other in existing.items():
        theirs = field_map(other)
        if mine.get("doi") and normal_doi(mine["doi"]) == normal_doi(theirs.get("doi", "")):
            return key, "the same DOI"
        if mine.get("url") and normal_url(mine["url"]) == normal_url(theirs.get("url", "")):
            return key, "the same URL"
        other_title = normal_title(theirs.get("title", ""))
        if title and other_title and len(title) > 15 and fuzz.ratio(title, other_title) >= 95:
            return key, "a near-identical title"
    return "", ""


def merge_sources(root: Path, text: str, origin: Path | None = None) -> Merge:
    """Append the entries of BibTeX ``text`` to sources.bib, skipping duplicates; blocks
    the parser cannot read are appended verbatim, never dropped."""
    incoming = bibfile.parse(text)
    if not any(c.kind in ("entry", "failed") for c in incoming):
        raise DraftingError("no BibTeX entry found; give entries like @report{key, ...}",
                            Location(origin) if origin else None)
    bib = bib_path(root)
    result = Merge()
    with library_lock(root):
        _, chunks = read_bib(root)
        existing = bibfile.entries(chunks)
        added: list[str] = []
        for chunk in incoming:
            if chunk.kind == "failed":
                added.append(chunk.text.strip("\n"))
                result.kept_verbatim.append(chunk.line)
            elif chunk.kind in ("string", "preamble"):
                if chunk.text.strip() not in bibfile.join(chunks):
                    added.append(chunk.text.strip("\n"))
            elif chunk.kind == "entry":
                other, why = duplicate_of(chunk, existing)
                if other:
                    result.duplicates.append((chunk.key, other, why))
                    continue
                added.append(bibfile.format_entry(chunk).rstrip("\n"))
                existing[chunk.key] = chunk
                result.added.append(chunk.key)
        if added:
            current = bibfile.join(chunks)
            prefix = current.rstrip("\n") + "\n\n" if current.strip() else current
            Transaction(root, {bib: prefix + "\n\n".join(added) + "\n"}).commit()
    return result


# ------------------------------------------------------------------ fmt

FACT_KEYS = ("title", "tags", "as_of", "superseded_by")
BRIEF_KEYS = ("template", "style", "bibliography")


def front_matter_blocks(front: str) -> list[tuple[str, str]]:
    """Top-level YAML keys with their text (continuation lines and comments above)."""
    blocks: list[tuple[str, str]] = []
    pending: list[str] = []
    for line in front.splitlines():
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            blocks.append((match[1], "\n".join([*pending, line])))
            pending = []
        elif line.startswith((" ", "\t", "-")) and blocks and not pending:
            key, text = blocks[-1]
            blocks[-1] = (key, text + "\n" + line)
        else:
            pending.append(line)
    if pending:
        blocks.append(("", "\n".join(pending)))
    return blocks


def canonical_markdown(text: str, first_keys: tuple[str, ...]) -> str:
    """A fact or brief in canonical layout: known front-matter keys first (the rest in
    their order, comments kept), LF line ends, no trailing spaces except Markdown hard
    breaks, one blank line between paragraphs, one newline at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = re.match(r"---\n(.*?\n)?(---|\.\.\.)[ \t]*\n", text, re.S)
    if not match:
        return text
    blocks = front_matter_blocks((match[1] or "").rstrip("\n"))
    order = {key: i for i, key in enumerate(first_keys)}
    blocks.sort(key=lambda b: order.get(b[0], len(order)))
    front = "\n".join(t.rstrip() for _, t in blocks if t.strip())
    body = text[match.end():]
    lines = [line if line.endswith("  ") and not line.endswith("   ") else line.rstrip()
             for line in body.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return f"---\n{front}\n---\n{body}\n"


@dataclass
class Formatted:
    """What fmt changed (or would change)."""

    changed: list[Path] = field(default_factory=list)


def format_library(root: Path, check_only: bool = False, sort_entries: bool = True) -> Formatted:
    """Rewrite facts, briefs and sources.bib canonically (or only report, with check);
    reads under the library lock it writes under, and changes every file or none."""
    if check_only:
        return planned_format(root, True, sort_entries)
    with library_lock(root):
        return planned_format(root, False, sort_entries)


def planned_format(root: Path, check_only: bool, sort_entries: bool) -> Formatted:
    """:func:`format_library`, with the library lock held unless only checking."""
    result = Formatted()
    transaction = Transaction(root)
    plans: dict[Path, str] = {}
    for path in [p for ps in scan_facts(root / "snippets").values() for p in ps]:
        plans[path] = canonical_markdown(read_text(path), FACT_KEYS)
    for path in sorted((root / "briefs").glob("*.md")):
        plans[path] = canonical_markdown(read_text(path), BRIEF_KEYS)
    bib = bib_path(root)
    if bib.exists():
        plans[bib] = bibfile.canonical(bibfile.parse(read_text(bib)), sort_entries)
    for path, text in plans.items():
        if path.read_bytes() != text.encode("utf-8"):
            result.changed.append(path)
            transaction.write(path, text)
    if not check_only:
        transaction.commit()
    return result


# ------------------------------------------------------------------ init

def init_library(folder: Path, today: dt.date | None = None) -> list[Path]:
    """A new working library in ``folder`` (which must be new or empty)."""
    today = today or dt.date.today()
    if folder.exists() and any(folder.iterdir()):
        raise DraftingError("the folder is not empty; choose a new folder",
                            Location(folder))
    skeleton = resources.files("drafting").joinpath("skeleton")
    written = []
    with resources.as_file(skeleton) as source:
        for item in sorted(Path(source).rglob("*")):
            if item.is_dir() or "__pycache__" in item.parts:
                continue
            target = folder / item.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if item.suffix == ".md":  # dates of the example fact and brief: today
                text = item.read_text(encoding="utf-8").replace("TODAY", today.isoformat())
                target.write_text(text, encoding="utf-8")
            else:
                shutil.copyfile(item, target)
            written.append(target)
    (folder / "snippets").mkdir(exist_ok=True)
    return written


def describe(paths: list[Path]) -> list[str]:
    return [display_path(p) for p in paths]
