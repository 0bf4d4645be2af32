"""Pull a reviewed .docx back into the library: edits into facts and the brief.

A build puts a hidden bookmark around each use of a fact (``wordml.fact_bookmark``),
so in the reviewed document the words of each fact can be found however the
paragraphs around them moved. Each of the fact's paragraphs is compared with the
paragraph its Markdown makes; a paragraph that reads differently (tracked changes
accepted) is written again from Word's runs, its footnotes put back as the fact's own
citation markup. A footnote whose text was itself rewritten is not guessed at: it is
listed for a person to resolve. Comments are listed where their words are in the
library (``snippets/x.md:LINE``); a fact's marker that is gone and a paragraph typed in
Word that no fact owns are reported, not dropped.

``plan_pull`` changes nothing; ``write_pull`` writes the planned edits all at once.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import field
from pathlib import Path

from drafting.errors import DraftingError, Location, display_path
from drafting.mdwrite import escape_block, runs_markdown
from drafting.model import Block, NoteMark, Span
from drafting.values import dataclass
from drafting.wordml import FACT_BOOKMARK, fact_digest, text_version
from drafting.wordread import WordDocument, WordParagraph, WordRun, read_document

CURLY = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
NORMAL = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "\u2009": " ",
                        "–": "-", "—": "-", "…": "..."})
LINE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*")


@dataclass
class Region:
    """The words of one use of a fact in the document: per paragraph, the runs."""

    fact: str
    name: str  # its bookmark
    parts: list[tuple[int, list[WordRun]]] = field(default_factory=list)  # paragraph, runs
    version: str = ""  # a digest of the fact's text when the document was built
    straddled: set[int] = field(default_factory=set)  # paragraphs edited across its edge


@dataclass
class PullPlan:
    """What pulling a reviewed document would change, and what needs a person."""

    docx: Path
    edits: dict[Path, tuple[str, str]] = field(default_factory=dict)  # file: old, new
    facts: dict[Path, str] = field(default_factory=dict)  # edited fact files: their ids
    comments: list[str] = field(default_factory=list)
    to_resolve: list[str] = field(default_factory=list)  # rewritten footnotes
    lost: list[str] = field(default_factory=list)  # fact markers gone from the document
    unowned: list[str] = field(default_factory=list)  # text typed in Word, in no fact
    warnings: list[str] = field(default_factory=list)  # facts other briefs use too
    brief: Path | None = None  # the brief the document was built from, if known

    def diff(self) -> str:
        """Every planned edit as a unified diff of the Markdown."""
        out = []
        for path, (old, new) in self.edits.items():
            name = display_path(path)
            out += difflib.unified_diff(old.splitlines(keepends=True),
                                        new.splitlines(keepends=True),
                                        f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def normal(text: str) -> str:
    """Text as compared: without typography (quotes, dashes, spaces, ellipses)."""
    text = text.translate(NORMAL).replace(". . .", "...")
    return " ".join(text.split())


# ------------------------------------------------------------------ reading

def fact_regions(document: WordDocument, facts: dict[str, str]) -> tuple[list[Region],
                                                                         list[str]]:
    """The words of each fact use marked in the document (its bookmarks, one per
    paragraph, in order), and the markers of facts this library does not have.
    ``facts`` maps fact-id digests to ids."""
    uses: dict[tuple[str, str], list[tuple[int, int, int, int, int]]] = {}
    versions: dict[tuple[str, str], str] = {}
    strangers = []
    for name, ((p1, r1), (p2, r2)) in document.bookmark_ranges().items():
        match = FACT_BOOKMARK.match(name)
        if not match:
            continue
        if match[1] not in facts:
            strangers.append(name)
            continue
        uses.setdefault((match[1], match[2]), []).append((int(match[3]), p1, r1, p2, r2))
        versions.setdefault((match[1], match[2]), match[4] or "")
    regions = []
    for (digest, occurrence), parts in uses.items():
        region = Region(facts[digest], f"_df_{digest}_{occurrence}",
                        version=versions[digest, occurrence])
        for _, p1, r1, p2, r2 in sorted(parts):
            runs = document.paragraphs[p1].runs
            end = r2 if p2 == p1 else len(runs)
            kept = runs[r1:end] + trailing(runs[end:])
            if straddles(runs, r1, r1 + len(kept)):
                region.straddled.add(p1)
            region.parts.append((p1, kept))
        regions.append(region)
    regions.sort(key=lambda region: region.parts[0][0] if region.parts else 0)
    return regions, strangers


def straddles(runs: list[WordRun], start: int, end: int) -> bool:
    """Whether a tracked change runs across an edge of a fact's words (the words just
    outside and just inside are both changed): a person must say where it belongs."""
    def changed(index: int) -> bool:
        return 0 <= index < len(runs) and bool(runs[index].inserted or runs[index].deleted)

    return (changed(start - 1) and changed(start)) or (changed(end - 1) and changed(end))


def trailing(runs: list[WordRun]) -> list[WordRun]:
    """The runs after a fact's bookmark that still belong to it: a full stop left
    outside when a word processor split the last run."""
    text = "".join(r.text for r in runs if r.note is None)
    return runs if runs and not any(r.note is not None for r in runs) \
        and re.fullmatch(r"[.,;:!?”’\")\]]{1,3}", text.strip()) else []


def words(runs: list[WordRun], accepted: bool) -> str:
    return "".join(r.text for r in runs if r.shown(accepted) and r.note is None)


def notes_in(runs: list[WordRun], accepted: bool) -> list[int]:
    return [r.note for r in runs if r.note is not None and r.shown(accepted)]


# ------------------------------------------------------------------ facts

@dataclass
class Paragraph:
    """A paragraph of a fact's Markdown: its lines in the file and what it prints."""

    first: int  # 0-based line in the file
    last: int
    block: Block

    def text(self) -> str:
        return "".join(i.text for i in self.block.inlines if isinstance(i, Span))

    def notes(self) -> int:
        return sum(isinstance(i, NoteMark) for i in self.block.inlines)


def changed_since(region: Region, path: Path, text: str) -> bool:
    """Whether a fact's text is no longer what the document was built from."""
    from drafting.library import split_front_matter

    if not region.version:
        return False  # built before drafting recorded it: trust the comparison
    return text_version(split_front_matter(text, path)[1]) != region.version


def fact_paragraphs(path: Path, text: str) -> list[Paragraph]:
    """The paragraphs of a fact file, with the lines each spans."""
    from drafting.library import split_front_matter
    from drafting.markdown import parse_blocks

    _, body, body_line = split_front_matter(text, path)
    blocks = parse_blocks(body, Location(path, body_line))
    lines = text.split("\n")
    out = []
    for index, block in enumerate(blocks):
        first = block.line - 1
        last = (blocks[index + 1].line - 2) if index + 1 < len(blocks) else len(lines) - 1
        while last > first and not LINE_PREFIX.sub("", lines[last]).strip():
            last -= 1
        out.append(Paragraph(first, last, block))
    return out


def citation_markup(source: str) -> list[str]:
    """The citations and inline notes of a Markdown paragraph, as written, in order."""
    from drafting.plainmd import closing_bracket

    found, index = [], 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        start = index - 1 if char == "[" and index and source[index - 1] == "^" else index
        if char == "[":
            end = closing_bracket(source, index, len(source))
            inside = source[index + 1:end] if end > 0 else ""
            if end > 0 and (start < index or re.match(r"^[^\]]*?@[\w:.#$%&+?<>~/-]", inside)):
                found.append(source[start:end + 1])
                index = end + 1
                continue
        index += 1
    return found


def pull_fact(region: Region, path: Path, text: str, document: WordDocument,
              plan: PullPlan) -> str:
    """The fact file's text with the region's changed paragraphs written again."""
    paragraphs = fact_paragraphs(path, text)
    lines = text.split("\n")
    if len(paragraphs) != len(region.parts):
        line = paragraphs[0].first + 1 if paragraphs else 1
        plan.to_resolve.append(f"{display_path(path)}:{line}: the fact has "
                               f"{len(paragraphs)} paragraphs and Word has "
                               f"{len(region.parts)}; edit it by hand")
        return text
    for paragraph, (index, runs) in reversed(list(zip(paragraphs, region.parts, strict=True))):
        if document.paragraphs[index].joined:
            plan.to_resolve.append(f"{display_path(path)}:{paragraph.first + 1}: this "
                                   "paragraph was joined to the next one in Word; join them "
                                   "by hand if that stands")
            continue
        if index in region.straddled:
            plan.to_resolve.append(f"{display_path(path)}:{paragraph.first + 1}: a change in "
                                   "Word runs across the edge of this fact's words; make it "
                                   "by hand where it belongs (the fact or the brief)")
            continue
        source = "\n".join(lines[paragraph.first:paragraph.last + 1])
        markup = citation_markup(source)
        word_notes = notes_in(runs, accepted=True)
        check_notes(runs, document, path, paragraph, plan)
        same = normal(words(runs, True)) == normal(paragraph.text()) \
            and len(word_notes) == paragraph.notes() \
            and not any(run.restyled for run in runs)  # italics added with tracking on
        if same:
            continue
        if len(notes_in(runs, accepted=False)) != len(markup):
            plan.to_resolve.append(f"{display_path(path)}:{paragraph.first + 1}: the "
                                   "footnotes in Word do not match the citations here; "
                                   "edit it by hand")
            continue
        new = rewritten(runs, keep_notes(runs, markup))
        new = re.sub(r"\s+(\[|\^\[)", r" \1", new)
        if not any(c in source for c in "“”‘’"):
            new = straighten(new, markup)
        prefix = LINE_PREFIX.match(lines[paragraph.first])[0]  # type: ignore[index]
        lines[paragraph.first:paragraph.last + 1] = [prefix + escape_block(new)]
    return "\n".join(lines)


def rewritten(runs: list[WordRun], markup: list[str]) -> str:
    """A paragraph's runs as Markdown, its footnotes as ``markup`` in order."""
    kept = iter(markup)
    return runs_markdown(runs, lambda note: " " + next(kept, "").lstrip()).strip()


def keep_notes(runs: list[WordRun], markup: list[str]) -> list[str]:
    """The citation markup of the footnotes still in the paragraph (a footnote whose
    mark was deleted in Word loses its citation)."""
    kept, position = [], 0
    for run in runs:
        if run.note is None or not run.shown(False):
            continue
        if run.shown(True):
            kept.append(markup[position])
        position += 1
    return kept


def straighten(text: str, markup: list[str]) -> str:
    """Curly quotes back to straight ones (the build curls them again), citations
    left as they were written."""
    pieces = re.split("(" + "|".join(re.escape(m) for m in markup) + ")", text) \
        if markup else [text]
    return "".join(p if p in markup else p.translate(CURLY) for p in pieces)


def check_notes(runs: list[WordRun], document: WordDocument, path: Path,
                paragraph: Paragraph, plan: PullPlan) -> None:
    """A footnote rewritten in Word (tracked): listed, its citation kept."""
    for note in notes_in(runs, accepted=True):
        before, after = document.note_text(note, False), document.note_text(note, True)
        if normal(before) != normal(after):
            plan.to_resolve.append(
                f"{display_path(path)}:{paragraph.first + 1}: a footnote was rewritten in "
                f"Word: “{after}” (was “{before}”); its citation is kept, change it by hand")


# ------------------------------------------------------------------ the plan

def plan_pull(root: Path, docx: Path, only: tuple[str, ...] = (),
              brief: Path | None = None) -> PullPlan:
    """Everything pulling ``docx`` (built from ``brief``, when known) would change;
    nothing is written."""
    from drafting.library import read_text, scan_facts

    document = read_document(docx)
    paths = scan_facts(root / "snippets")
    digests = {fact_digest(fact): fact for fact in paths}
    regions, strangers = fact_regions(document, digests)
    if not regions and not strangers:
        raise DraftingError("the document has no fact markers: pull reads documents that "
                            "drafting built (build it again, then review that copy)",
                            Location(docx))
    plan = PullPlan(docx)
    unknown = [f for f in only if f not in paths]
    if unknown:
        raise DraftingError(f"--only names no fact of this library: {', '.join(unknown)}")
    for name in strangers:
        plan.lost.append(f"a marker ({name}) of a fact this library does not have")
    versions: dict[Path, set[str]] = {}  # each use's version of the fact, if edited
    for region in regions:
        if only and region.fact not in only:
            continue
        path = paths[region.fact][0]
        if region.parts and not any(words(runs, True).strip() for _, runs in region.parts):
            plan.lost.append(f"{display_path(path)}: the text of fact '{region.fact}' was "
                             f"deleted in {docx.name}; the fact is unchanged (take it out "
                             "of the brief by hand if it should go)")
            continue
        old = read_text(path)
        if changed_since(region, path, old):
            new = pull_fact(region, path, old, document, PullPlan(docx))
            tracked = any(r.inserted or r.deleted for _, runs in region.parts for r in runs)
            if new != old and tracked:  # edited in Word, and in the library: not ours to merge
                plan.to_resolve.append(
                    f"{display_path(path)}:1: the fact changed in the library since "
                    f"{docx.name} was built, so the changes made to it in Word are not "
                    "applied (that would undo the library's); make them by hand")
            elif new != old:
                plan.warnings.append(
                    f"{display_path(path)}: the fact changed in the library since "
                    f"{docx.name} was built and has no tracked change there: left as it is "
                    "(if someone edited it in Word without tracking, compare by hand)")
            continue
        new = pull_fact(region, path, old, document, plan)
        if new != old:
            versions.setdefault(path, set()).add(new)
            plan.facts[path] = region.fact
    uses = Counter(region.fact for region in regions)
    for path, found in versions.items():
        if len(found) == 1:
            plan.edits[path] = (read_text(path), found.pop())
            if uses[plan.facts[path]] > 1:
                plan.warnings.append(f"{display_path(path)}: the brief uses this fact "
                                     f"{uses[plan.facts[path]]} times; the edit made to one "
                                     "use changes every one")
        else:  # the same fact used twice, its uses edited differently
            plan.to_resolve.append(f"{display_path(path)}:1: the brief uses this fact "
                                   f"{len(found)} times and Word has different edits of "
                                   "them; edit it by hand")
            del plan.facts[path]
    owned = {index for region in regions for index, _ in region.parts}
    brief = brief or guess_brief(root, [region.fact for region in regions])
    plan.brief = brief
    if brief is not None:
        missing_markers(brief, regions, plan)
        if not only:  # --only names facts: the brief's own text is left alone
            pull_brief(brief, document, owned, plan)
            around_facts(document, regions, brief, plan)
            untracked(document, owned, brief, plan)
    comments(document, regions, paths, brief_places(brief, document, owned), plan)
    unowned(document, owned, plan)
    return plan


def pull_brief(brief: Path, document: WordDocument, owned: set[int], plan: PullPlan) -> None:
    """Tracked changes to the brief's own paragraphs (those holding no fact): each
    written again where the brief has that paragraph; one the brief does not have
    (the template's words, or text made by Jinja) is listed for a person."""
    from drafting.library import read_text, split_front_matter

    text = plan.edits.get(brief, (read_text(brief),))[-1]
    _, body, body_line = split_front_matter(text, brief)
    lines = text.split("\n")
    chunks = own_paragraphs(lines, body_line - 1)
    changed = False
    for index, paragraph in enumerate(document.paragraphs):
        if index in owned or not paragraph.changed or typed_in_word(paragraph):
            continue
        before, after = paragraph.text(False), paragraph.text(True)
        if normal(before) == normal(after):
            continue
        found = [c for c in chunks if normal(c[2]) == normal(before)]
        if len(found) != 1:
            plan.to_resolve.append(f"{plan.docx.name}: paragraph {index + 1} was changed "
                                   f"in Word (“{after[:60]}…”) but is not a paragraph of "
                                   f"{display_path(brief)}; change it by hand")
            continue
        first, last, _ = found[0]
        markup = citation_markup("\n".join(lines[first:last + 1]))
        if len(notes_in(paragraph.runs, accepted=False)) != len(markup):
            plan.to_resolve.append(f"{display_path(brief)}:{first + 1}: the footnotes in Word "
                                   "do not match the citations here; edit it by hand")
            continue
        prefix = LINE_PREFIX.match(lines[first])[0]  # type: ignore[index]
        heading = re.match(r"^#{1,6}\s+", lines[first][len(prefix):])
        lead = prefix + (heading[0] if heading else "")
        new = rewritten(paragraph.runs, keep_notes(paragraph.runs, markup))
        lines[first:last + 1] = [lead + escape_block(new)] + [""] * (last - first)
        changed = True
    if changed:
        new = "\n".join(lines)
        new = re.sub(r"\n{3,}", "\n\n", new)
        plan.edits[brief] = (read_text(brief), new)


def around_facts(document: WordDocument, regions: list[Region], brief: Path,
                 plan: PullPlan) -> None:
    """Tracked changes to the brief's words in a paragraph that also holds a fact
    ("… Kazakhstan. {{ fact(…) }}"): listed, for a person to make in the brief."""
    inside: dict[int, set[int]] = {}
    for region in regions:
        for index, runs in region.parts:
            inside.setdefault(index, set()).update(id(run) for run in runs)
    for index, ids in inside.items():
        paragraph = document.paragraphs[index]
        outside = [r for r in paragraph.runs if id(r) not in ids and r.text.strip()]
        if any(r.inserted or r.deleted for r in outside):
            plan.to_resolve.append(
                f"{plan.docx.name}: paragraph {index + 1} (“{paragraph.text()[:50]}…”): the "
                f"brief's own words beside a fact were changed in Word; make the change in "
                f"{display_path(brief)} by hand")


def untracked(document: WordDocument, owned: set[int], brief: Path, plan: PullPlan) -> None:
    """Paragraphs no fact owns that the brief, built now, does not print (typed in Word
    without tracking, or the template's words edited): listed where they are."""
    import tempfile

    from drafting.build import build

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "now.docx"
        try:
            build(brief, out, remember=False)  # not the brief's last build
        except DraftingError:
            return  # the brief does not build now: nothing to compare with
        printed = {normal(p.text()) for p in read_document(out).paragraphs}
    previous = ""
    for index, paragraph in enumerate(document.paragraphs):
        text = paragraph.text().strip()
        if text and index not in owned and not paragraph.changed \
                and normal(text) not in printed:
            plan.unowned.append(f"{plan.docx.name}: paragraph {index + 1}, after “"
                                f"{previous[:40]}…”: text the brief does not print: "
                                f"“{text[:80]}”; add it to a fact or the brief by hand")
        if text:
            previous = text


def own_paragraphs(lines: list[str], start: int) -> list[tuple[int, int, str]]:
    """The brief's paragraphs of its own words (no Jinja in them): first and last
    line, and the text they print."""
    from drafting.markdown import parse_inline
    from drafting.model import plain_text

    out, first = [], None
    for number in range(start, len(lines) + 1):
        line = lines[number] if number < len(lines) else ""
        if line.strip() and not re.match(r"^\s*\{[^{}]*\}\s*$", line):
            first = number if first is None else first
            continue
        if first is not None:
            source = " ".join(lines[first:number])
            if "{{" not in source and "{%" not in source:
                plain = re.sub(r"^(?:>\s?|#{1,6}\s+)", "", source.strip())
                out.append((first, number - 1, plain_text(parse_inline(plain))))
            first = None
    return out


def guess_brief(root: Path, facts: list[str]) -> Path | None:
    """The brief whose facts, in order, are most like those marked in the document
    (None unless one is clearly it: at least half alike)."""
    from drafting.assemble import fact_calls
    from drafting.library import read_text, split_front_matter

    best, score = None, 0.5
    for path in sorted((root / "briefs").glob("*.md")):
        try:
            _, body, _ = split_front_matter(read_text(path), path)
            used = [fact for fact, _ in fact_calls(body)]
        except DraftingError:
            continue
        alike = difflib.SequenceMatcher(a=used, b=facts, autojunk=False).ratio()
        if alike > score:
            best, score = path, alike
    return best


def missing_markers(brief: Path, regions: list[Region], plan: PullPlan) -> None:
    """Each use of a fact in the brief whose marker is not in the document: its text
    was deleted, or typed over, in Word; the fact is left as it is."""
    from drafting.assemble import fact_calls
    from drafting.library import read_text, split_front_matter

    text = read_text(brief)
    _, body, body_line = split_front_matter(text, brief)
    found = Counter(region.fact for region in regions)
    seen: Counter[str] = Counter()
    for fact, line in fact_calls(body):
        seen[fact] += 1
        if seen[fact] > found[fact]:
            plan.lost.append(f"{display_path(brief)}:{body_line + line - 1}: the text of "
                             f"fact '{fact}' is gone from {plan.docx.name} (deleted, or "
                             "typed over); the fact is unchanged")


def brief_places(brief: Path | None, document: WordDocument, owned: set[int]
                 ) -> dict[int, str]:
    """The brief's file and line of each of the document's paragraphs that is the
    brief's own text."""
    from drafting.library import read_text, split_front_matter

    if brief is None:
        return {}
    text = read_text(brief)
    _, _, body_line = split_front_matter(text, brief)
    chunks = own_paragraphs(text.split("\n"), body_line - 1)
    places = {}
    for index, paragraph in enumerate(document.paragraphs):
        found = [c for c in chunks if normal(c[2]) == normal(paragraph.text(False))]
        if index not in owned and len(found) == 1 and paragraph.text(False).strip():
            places[index] = f"{display_path(brief)}:{found[0][0] + 1}"
    return places


def comments(document: WordDocument, regions: list[Region], paths: dict[str, list[Path]],
             places: dict[int, str], plan: PullPlan) -> None:
    """Each comment where its words are: a fact's file and line, the brief's, else the
    document's paragraph."""
    from drafting.library import read_text

    place: dict[int, str] = dict(places)
    for region in regions:
        path = paths[region.fact][0]
        found = fact_paragraphs(path, read_text(path))
        for offset, (index, _) in enumerate(region.parts):
            line = found[offset].first + 1 if offset < len(found) else 1
            place[index] = f"{display_path(path)}:{line}"
    for index, paragraph in enumerate(document.paragraphs):
        for cid in paragraph.comments:
            comment = document.comments.get(cid)
            if comment is None:
                continue
            where = place.get(index) or f"{plan.docx.name}: paragraph {index + 1} " \
                f"(“{paragraph.text()[:40]}…”, text of the brief)"
            plan.comments.append(f"{where}: {comment.text} ({comment.author})")


def unowned(document: WordDocument, owned: set[int], plan: PullPlan) -> None:
    """Paragraphs typed in Word (tracked insertions) that no fact owns."""
    previous = ""
    for index, paragraph in enumerate(document.paragraphs):
        text = paragraph.text().strip()
        if text and typed_in_word(paragraph) and index not in owned:
            plan.unowned.append(f"{plan.docx.name}: paragraph {index + 1}, after “"
                                f"{previous[:40]}…”: new text in no fact: “{text[:80]}”; "
                                "add it to a fact or the brief by hand")
        if text:
            previous = text


def typed_in_word(paragraph: WordParagraph) -> bool:
    """Whether every word of a paragraph is a tracked insertion."""
    shown = [r for r in paragraph.runs if r.text.strip() and r.note is None]
    return bool(shown) and all(r.inserted for r in shown)


def other_uses(root: Path, plan: PullPlan, brief: Path | None) -> None:
    """A warning for each edited fact that other briefs use too."""
    from drafting.catalog import used_by

    for path, fact in plan.facts.items():
        briefs = sorted({use.path for use in used_by(root, fact) if use.how == "brief"})
        others = [b for b in briefs if brief is None or b != display_path(brief)]
        if len(others) > (0 if brief is not None else 1):
            plan.warnings.append(f"{display_path(path)}: fact '{fact}' is also used by "
                                 f"{', '.join(others)}; this edit changes them too "
                                 "(--only chooses which facts to change)")


def write_pull(root: Path, plan: PullPlan) -> None:
    """Write every planned edit together (or none), refusing files changed meanwhile."""
    from drafting.library import read_text
    from drafting.store import Transaction

    for path, (old, _) in plan.edits.items():
        if read_text(path) != old:
            raise DraftingError("changed while pulling; nothing was written, run pull "
                                "again", Location(path))
    Transaction(root, {path: new for path, (_, new) in plan.edits.items()}).commit()


def pull(root: Path, docx: Path, write: bool = False, only: tuple[str, ...] = (),
         brief: Path | None = None) -> PullPlan:
    """Plan a pull and, with ``write``, apply it under the library lock."""
    from drafting.store import library_lock

    if brief is not None and (root / "briefs").resolve() not in brief.resolve().parents:
        raise DraftingError("--brief names a file that is not a brief; give briefs/NAME.md",
                            Location(brief))
    if not write:
        plan = plan_pull(root, docx, only, brief)
        other_uses(root, plan, plan.brief)
        return plan
    with library_lock(root):
        plan = plan_pull(root, docx, only, brief)
        other_uses(root, plan, plan.brief)
        write_pull(root, plan)
    return plan
