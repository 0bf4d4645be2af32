"""Keep the shared library: add, rename, import and format facts and sources.

Nothing here loses a word: every write is atomic; every read-modify-write holds the
library lock; a rename or fmt changes every file or none, even when killed; a BibTeX
block the parser cannot read is carried along verbatim, and input that would add one is
refused. Every edit of ``sources.bib`` is checked before it is written: the new text
must parse to the old entries (with every field), @strings, @preambles and comments
plus the intended change, or the command fails and the file stays byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import field
from importlib import resources
from pathlib import Path

from drafting import bibfile
from drafting.errors import DraftingError, Location, display_path
from drafting.inputs import BIB_TOO_LARGE, MAX_BIB_BYTES
from drafting.library import FACT_ID, read_bib_text, read_text, scan_facts, suggest
from drafting.store import Transaction, library_lock
from drafting.values import dataclass

KEY_CHARS = r"[\w:.#$%&+?<>~/-]"


def bib_path(root: Path) -> Path:
    return root / "sources.bib"


@dataclass
class Bib:
    """sources.bib as read: its text (``\n`` line ends), its chunks, and how it was saved
    (CRLF line ends, a byte-order mark), so an edit writes it back the same way."""

    path: Path
    text: str
    chunks: list[bibfile.Chunk]
    newline: str = "\n"
    bom: bool = False

    def saved(self, text: str) -> str:
        """``text`` with the file's own line ends and byte-order mark (an error if it
        would be too large to read back)."""
        saved = ("\ufeff" if self.bom else "") + text.replace("\n", self.newline)
        size = len(saved.encode("utf-8"))
        if size > MAX_BIB_BYTES:
            raise DraftingError(f"sources.bib would be {size / 2**20:.1f} MB, past the limit "
                                f"of {MAX_BIB_BYTES // 2**20} MB; nothing was written; "
                                f"{BIB_TOO_LARGE}", Location(self.path))
        return saved

    def checked(self, text: str, wanted: dict[str, object], what: str) -> str:
        """``text`` as it will be saved, once it is sure to hold exactly ``wanted``."""
        if bibfile.summary(bibfile.parse(text)) != wanted:
            raise DraftingError(f"{what} would change entries it should keep (the BibTeX is "
                                "unusual here); nothing was written, please report this",
                                Location(self.path))
        return self.saved(text)


def read_bib(root: Path) -> Bib:
    """Read and chunk sources.bib (an empty one when there is none)."""
    path = bib_path(root)
    if not path.exists():
        return Bib(path, "", [])
    text = read_bib_text(path)
    data = path.read_bytes()
    crlf = b"\r\n" in data and data.count(b"\r\n") == data.count(b"\n")
    return Bib(path, text, bibfile.parse(text), "\r\n" if crlf else "\n",
               data.startswith(b"\xef\xbb\xbf"))


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
    source_date = None
    if cite:
        key, _, pin = (part.strip() for part in cite.partition(","))
        chunks = read_bib(root).chunks
        if key not in bibfile.entries(chunks):
            raise DraftingError(f"unknown source key '{key}'"
                                f"{suggest(key, bibfile.entries(chunks))}; add it first")
        source_date = entry_date(bibfile.entries(chunks)[key])
        text = f"{text} [@{key}{', ' + pin if pin else ''}]".strip()
    if not text:
        raise DraftingError("the fact has no text; give it with --text, on standard input, "
                            "or in the editor")
    title = title or first_words(body) or fact_id.replace("-", " ").capitalize()
    tag_list = ", ".join(yaml_scalar(t) for t in tags)
    as_of = today or source_date or dt.date.today()  # as of the source it states, if cited
    front = (f"---\ntitle: {yaml_scalar(title)}\ntags: [{tag_list}]\n"
             f"as_of: {as_of.isoformat()}\n---\n")
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{fact_id}.md"
    Transaction(root, {path: front + text + "\n"}).commit()
    return path


def entry_date(chunk: bibfile.Chunk) -> dt.date | None:
    """The most precise date an entry gives (``date``, else ``year`` and ``month``):
    the first day of its month or year when it gives no day."""
    from drafting.style import parse_date, year_month

    fields = {n: v.strip().strip("{}") for n, v in chunk.fields}
    value = (fields.get("date") or year_month(fields)).split("/")[0]
    parts = parse_date(value) if value else None
    if not parts:
        return None
    year, month, day = parts
    return dt.date(year, month or 1, day or 1)


def first_words(text: str, size: int = 10) -> str:
    """A title from a fact's first sentence (its first ``size`` words)."""
    plain = re.sub(r"\[[^\]]*@[^\]]*\]|\^\[[^\]]*\]|[*_`\\]", "", text)
    sentence = re.split(r"(?<=[.!?])\s", plain.strip(), maxsplit=1)[0].rstrip(".!? ")
    words = sentence.split()
    return " ".join(words[:size]) + ("…" if len(words) > size else "")


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
        if path.parent.name == "briefs":
            refuse_unrenamed(path, changed, old)
    transaction.commit()
    from drafting.record import rename_fact as rename_in_records

    rename_in_records(root, old, new)
    return transaction.paths


def refuse_unrenamed(path: Path, text: str, old: str) -> None:
    """Refuse a rename that would leave a brief still using ``old`` (an id written with
    escapes, ``fact("a" "b")``, that the rewrite cannot see)."""
    from drafting.assemble import fact_calls
    from drafting.cache import jinja

    try:
        left = [line for fact_id, line in fact_calls(text) if fact_id == old]
    except jinja("TemplateSyntaxError"):
        return  # a brief Jinja cannot read: check reports it
    if left:
        raise DraftingError(f"this brief writes the fact id '{old}' in a form rename cannot "
                            f'rewrite; write it as fact("{old}") and rename again; nothing '
                            "was changed", Location(path, left[0]))


def citation_pattern(key: str) -> re.Pattern[str]:
    """``@key`` in a citation, not as the start of a longer key."""
    return re.compile(r"(?<![\w@])(-?@)" + re.escape(key) + r"(?!\w|" + KEY_CHARS + r"\w)")


def rename_source(root: Path, old: str, new: str) -> list[Path]:
    """Rename a source key in sources.bib and every citation of it; all or nothing.

    sources.bib keeps every other byte; the result is checked to hold the same entries,
    fields, @strings and comments with only the key (and ``crossref = {old}``) changed."""
    if not re.fullmatch(r"\w(?:" + KEY_CHARS + r"*\w)?", new):
        raise DraftingError(f"'{new}' is not a usable source key")
    bib = bib_path(root)
    with library_lock(root):
        current = read_bib(root)
        chunks = current.chunks
        entries = bibfile.entries(chunks)
        unreadable = {c.key: c for c in bibfile.failed(chunks) if c.key}
        if old not in entries:
            if old in unreadable:
                raise DraftingError(f"cannot rename '{old}': {unreadable[old].problem}; fix "
                                    "that first", Location(bib, unreadable[old].line))
            raise DraftingError(f"unknown source key '{old}'{suggest(old, entries)}",
                                Location(bib))
        if old in unreadable:
            raise DraftingError(f"cannot rename '{old}': {unreadable[old].problem}",
                                Location(bib, unreadable[old].line))
        taken = entries.get(new) or unreadable.get(new)
        if taken:
            raise DraftingError(f"source key '{new}' already exists", Location(bib, taken.line))
        wanted = renamed(bibfile.summary(chunks), old, new)
        canonical = is_canonical(current)
        bibfile.rename_key(entries[old], new)
        for chunk in chunks:  # crossref = {old}
            if chunk.kind == "entry" and any(n == "crossref" for n, _ in chunk.fields):
                chunk.text = re.sub(r"(crossref\s*=\s*[{\"]\s*)" + re.escape(old) + r"(\s*[}\"])",
                                    lambda m: m[1] + new + m[2], chunk.text, flags=re.I)
        transaction = Transaction(root)
        transaction.write(bib, current.checked(in_layout(current, bibfile.join(chunks),
                                                         canonical), wanted, "the rename"))
        pattern = citation_pattern(old)
        for path, text in library_texts(root).items():
            changed = pattern.sub(lambda m: m[1] + new, text)
            if changed != text:
                transaction.write(path, changed)
        transaction.commit()
    return transaction.paths


def renamed(summary: dict, old: str, new: str) -> dict:
    """The summary of a file after renaming key ``old`` to ``new``."""
    crossref = re.compile(r"([{\"]\s*)" + re.escape(old) + r"(\s*[}\"])")
    entries = {}
    for key, (kind, fields) in summary["entries"].items():
        fields = [(n, crossref.sub(lambda m: m[1] + new + m[2], v) if n == "crossref" else v)
                  for n, v in fields]
        entries[new if key == old else key] = (kind, fields)
    return {**summary, "entries": entries}


# ------------------------------------------------------------------ sources

@dataclass
class Merge:
    """What adding or importing sources did."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # new, existing, why
    archived: list[str] = field(default_factory=list)  # attachments copied into the archive
    notes: list[str] = field(default_factory=list)  # attachments that could not be


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
    """Append the entries of BibTeX ``text`` to sources.bib, skipping duplicates.

    Input that would make sources.bib unbuildable (a block the parser cannot read, an
    entry giving a field twice, a @string defined twice or against another value in
    sources.bib, an undefined @string) is refused whole, naming its line in ``origin``.
    Comments in the input are not copied. Invariant: sources.bib afterwards parses to
    its old entries, @strings, @preambles and comments plus the added ones, every value
    unchanged, or the call fails and the file is byte for byte as it was."""
    from drafting.csl import looks_like_csl, to_biblatex

    where = origin or Path("<stdin>")
    if looks_like_csl(text):  # Zotero's CSL JSON: read as the BibLaTeX it stands for
        text = to_biblatex(text, origin)
    incoming = bibfile.parse(text)
    for chunk in bibfile.failed(incoming):
        raise DraftingError(f"{chunk.problem}; fix it in the input and add it again",
                            Location(where, chunk.line))
    if not any(c.kind == "entry" for c in incoming):
        raise DraftingError("no BibTeX entry found; give entries like @report{key, ...}",
                            Location(where))
    bib = bib_path(root)
    result = Merge()
    with library_lock(root):
        current = read_bib(root)
        fresh = {id(c) for c in new_strings(incoming, current.chunks, where)}
        refuse_undefined_strings(incoming, current.chunks, where)
        wanted = bibfile.summary(current.chunks)
        existing = bibfile.entries(current.chunks)
        unreadable = {c.key: c for c in bibfile.failed(current.chunks) if c.key}
        added: list[bibfile.Chunk] = []
        for chunk in incoming:
            if id(chunk) in fresh or chunk.kind == "preamble" and \
                    bibfile.fold(chunk.value) not in wanted["preambles"]:
                added.append(chunk)
            elif chunk.kind == "entry":
                other, why = duplicate_of(chunk, existing)
                if not other and chunk.key in unreadable:
                    other = chunk.key
                    why = f"sources.bib:{unreadable[chunk.key].line} cannot be read"
                if other:
                    result.duplicates.append((chunk.key, other, why))
                    continue
                added.append(chunk)
                existing[chunk.key] = chunk
                result.added.append(chunk.key)
        copies = archive_attachments(added, root, origin, result)
        if result.added:
            appended = bibfile.summary(added)
            wanted["entries"] = {**wanted["entries"], **appended["entries"]}
            for part in ("strings", "preambles"):
                wanted[part] = sorted(wanted[part] + appended[part])
            prefix = current.text.rstrip("\n") + "\n\n" if current.text.strip() else ""
            texts = [bibfile.format_entry(c) if c.kind == "entry" else c.text[c.start:].strip()
                     for c in added]
            new = in_layout(current, prefix + "\n\n".join(t.rstrip("\n") for t in texts)
                            + "\n")
            if copies:
                (root / "sources" / "archive").mkdir(parents=True, exist_ok=True)
            Transaction(root, {bib: current.checked(new, wanted, "adding these sources"),
                               **copies}).commit()
    return result


def archive_attachments(chunks: list[bibfile.Chunk], root: Path, origin: Path | None,
                        result: Merge) -> dict[Path, bytes]:
    """Point each new entry's Zotero attachment at a copy in ``sources/archive/`` (with
    its digest), or drop a ``file`` field whose attachment is not on disk; returns the
    copies to write with the entries."""
    from drafting.attachments import DIGEST_FIELD, archive, in_archive

    copies: dict[Path, bytes] = {}
    for chunk in chunks:
        value = dict(chunk.fields).get("file")
        if chunk.kind != "entry" or value is None or in_archive(value) \
                or not bibfile.can_format(chunk):
            continue
        done = archive(chunk.key, value, root, origin, set(copies))
        fields = [(n, v) for n, v in chunk.fields if n not in ("file", DIGEST_FIELD)]
        if done.field is None:
            result.notes.append(done.problem)
        else:
            fields += [("file", "{" + done.field + "}"), (DIGEST_FIELD, "{" + done.digest + "}")]
            result.archived.append(f"{chunk.key}: {done.field}")
            if done.copy:
                copies[done.copy[0]] = done.copy[1]
        chunk.fields = fields
    return copies


def in_layout(current: Bib, new: str, was_canonical: bool | None = None) -> str:
    """``new`` (sources.bib after an edit) in ``fmt``'s layout, entries sorted, if
    sources.bib was in that layout before (``was_canonical``, when the caller knew it
    before changing ``current``'s chunks), so ``fmt --check`` stays clean after a
    write; left as it is otherwise (a file kept in its own order stays so)."""
    if was_canonical is None:
        was_canonical = is_canonical(current)
    return bibfile.canonical(bibfile.parse(new), True) if was_canonical else new


def is_canonical(current: Bib) -> bool:
    """Whether sources.bib is byte for byte in ``fmt``'s layout (an empty one is)."""
    if not current.text.strip():
        return True
    try:
        return current.path.read_bytes() == canonical_bib(current, True).encode()
    except DraftingError:
        return False


def new_strings(incoming: list[bibfile.Chunk], chunks: list[bibfile.Chunk],
                where: Path) -> list[bibfile.Chunk]:
    """The input's @strings sources.bib lacks; refuses one defined twice (names ignore
    case, as in BibTeX) or with another value than sources.bib gives it."""
    known = {c.key.lower(): c for c in chunks if c.kind == "string"}
    seen: dict[str, bibfile.Chunk] = {}
    fresh = []
    for chunk in (c for c in incoming if c.kind == "string"):
        name = chunk.key.lower()
        if name in seen:
            raise DraftingError(f"@string '{chunk.key}' is defined twice in the input (also "
                                f"line {seen[name].line}); keep one", Location(where, chunk.line))
        seen[name] = chunk
        if name not in known:
            fresh.append(chunk)
        elif bibfile.fold(known[name].value) != bibfile.fold(chunk.value):
            raise DraftingError(
                f"@string '{chunk.key}' is already defined in sources.bib (line "
                f"{known[name].line}) with another value; rename it in the input",
                Location(where, chunk.line))
    return fresh


def refuse_undefined_strings(incoming: list[bibfile.Chunk], chunks: list[bibfile.Chunk],
                             where: Path) -> None:
    """Refuse an entry using a @string neither the input nor sources.bib defines."""
    from drafting.library import BARE_WORD, BIBTEX_MONTHS

    known = {c.key.lower() for c in [*chunks, *incoming] if c.kind == "string"}
    known |= BIBTEX_MONTHS
    for chunk in (c for c in incoming if c.kind == "entry"):
        for name, value in chunk.fields:
            value = value.strip()
            if BARE_WORD.match(value) and value.lower() not in known and not value.isdigit():
                raise DraftingError(
                    f"@{chunk.type}{{{chunk.key}}}: field '{name}' uses @string '{value}', "
                    "which is not defined; put the value in braces or define it",
                    Location(where, chunk.line))


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
        plans[bib] = canonical_bib(read_bib(root), sort_entries)
    for path, text in plans.items():
        if path.read_bytes() != text.encode("utf-8"):
            result.changed.append(path)
            transaction.write(path, text)
    if not check_only:
        transaction.commit()
    return result


def canonical_bib(current: Bib, sort_entries: bool) -> str:
    """sources.bib in the canonical layout (``\n`` line ends, no byte-order mark), checked
    to hold the same entries, fields, @strings, @preambles and comments. A file with a
    block the parser cannot read is refused: moving such a block could change what it
    swallows, and the build fails on it anyway."""
    for chunk in bibfile.failed(current.chunks):
        raise DraftingError(f"cannot reformat: {chunk.problem}; fix it (drafting check "
                            "lists every problem), then run fmt again",
                            Location(current.path, chunk.line))
    text = bibfile.canonical(current.chunks, sort_entries)
    plain = Bib(current.path, current.text, current.chunks)
    return plain.checked(text, bibfile.summary(current.chunks), "fmt")


# ------------------------------------------------------------------ init

def init_library(folder: Path, today: dt.date | None = None,
                 style: str = "bluebook") -> list[Path]:
    """A new working library in ``folder`` (which must be new or empty), citing in
    ``style`` (a built-in style's name)."""
    from drafting.style import BUILTIN_STYLES

    today = today or dt.date.today()
    if style not in BUILTIN_STYLES:
        raise DraftingError(f"unknown style '{style}'; use one of {', '.join(BUILTIN_STYLES)}")
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
            if item.suffix in (".md", ".yaml") and item.parent.name != "tables":
                # the example's dates are today's; the brief and check use the style
                text = item.read_text(encoding="utf-8").replace("TODAY", today.isoformat())
                target.write_text(text.replace("STYLE", style), encoding="utf-8")
            else:
                shutil.copyfile(item, target)
            written.append(target)
    (folder / "snippets").mkdir(exist_ok=True)
    return written


def describe(paths: list[Path]) -> list[str]:
    return [display_path(p) for p in paths]
