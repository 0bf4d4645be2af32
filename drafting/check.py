"""``drafting check``: every claim has a source, and every quote is really in it.

The library is read once. Each fact and brief is analysed on its own (and cached by
content hash); then the rules that need the whole library run over those results:
keys, fact ids, unused and incomplete sources, quotes against archives, stale facts,
and whether every brief would build. Each problem is one line
``path:line:col: severity: message [rule-id]``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from drafting.assemble import citations_in, fact_calls
from drafting.cache import Cache, digest
from drafting.claims import analyse, has_citation
from drafting.config import CheckConfig, as_date, load_config
from drafting.errors import DraftingError, Location, display_path, shorten
from drafting.findings import (  # noqa: F401 - check's results, and how they print
    ERROR,
    WARNING,
    Problem,
    as_github,
    as_json,
    select,
    summary,
)
from drafting.inputs import MAX_TEXT_BYTES, confined, forget_folders, read_bytes
from drafting.library import (
    FACT_ID,
    decode_text,
    parse_sources,
    read_bib_bytes,
    scan_facts,
    split_front_matter,
    suggest,
)
from drafting.model import Block, NoteMark, Source
from drafting.parallel import Started
from drafting.progress import steps
from drafting.style import parse_date
from drafting.values import dataclass

CHECK_VERSION = "6"
PSEUDO_FACT_KEY = "fact:"
STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
MIN_PROSE_WORDS = 25
#: A key as a citation names it (``@grishin-2019``), read loosely from unparsed text.
KEY_MENTION = re.compile(r"@([\w][\w:.#$%&+?<>~/-]*[\w])")


@dataclass(frozen=True)
class Rule:
    """A rule: its id, default severity and what it asks of the library."""

    id: str
    severity: str
    summary: str


RULES = {r.id: r for r in [
    Rule("file", ERROR, "Library files are readable UTF-8 text without control characters."),
    Rule("front-matter", ERROR, "Facts and briefs start with valid YAML front matter between "
         "'---' lines; a brief names its template."),
    Rule("citation-syntax", ERROR, "Citations are well formed: [@key], [see @key, 5], "
         "[@a; @b], known signals, closed brackets."),
    Rule("fact-empty", ERROR, "A fact has text below its front matter."),
    Rule("fact-uncited", ERROR, "A fact cites at least one source."),
    Rule("fact-metadata", WARNING, "A fact has a title, a tags list and an as_of date."),
    Rule("uncited-claim", ERROR, "A sentence that quotes four words or more, or states a "
         "number, date or percentage, has a citation after it in its paragraph (or is "
         "marked {.argument})."),
    Rule("uncited-paragraph", WARNING, "A brief's prose paragraph of 25 words or more cites "
         "something, or is marked as the brief's own argument with {.argument}."),
    Rule("unknown-key", ERROR, "Every cited key is in sources.bib."),
    Rule("unknown-fact", ERROR, "Every fact a brief uses, or a superseded_by names, exists."),
    Rule("duplicate-fact", ERROR, "Fact ids (file names) are unique across snippets/."),
    Rule("bib-syntax", ERROR, "Every BibTeX entry parses; keys are unique; @strings are "
         "defined."),
    Rule("merge-conflict", ERROR, "sources.bib holds no conflict a git merge left (the "
         "merge driver writes one inside the entry when both branches changed a field)."),
    Rule("unused-source", WARNING, "Every source is cited by some fact or brief."),
    Rule("missing-field", ERROR, "A source has the fields its type needs in the style "
         "(e.g. report: title, author or institution, date, url or institution)."),
    Rule("source-review", WARNING, "A source made by `drafting import` that did not print "
         "back word for word has been checked, and its `review` field removed."),
    Rule("bad-url", ERROR, "A url is a full http(s) address without spaces."),
    Rule("bad-date", ERROR, "Dates are ISO 8601: 2019, 2019-07, 2019-07-15, or a range a/b."),
    Rule("archive-missing", ERROR, "A source's `file` (its archived copy) exists."),
    Rule("archive-changed", ERROR, "An archived copy is still the file that was archived "
         "(its SHA-256 is the entry's archivesha256, when it has one)."),
    Rule("archive-unsafe", ERROR, "A source's `file` is a regular file inside the library "
         "(not a device, a pipe, or a path or symlink leading out of it), of at most 50 MB."),
    Rule("quote-mismatch", ERROR, "A quote cited to a source with an archived copy appears in "
         "that copy (after normalising quotes, dashes, spaces and ellipses)."),
    Rule("quote-unverifiable", WARNING, "A quote is cited to a source with no archived copy, "
         "so it cannot be checked."),
    Rule("quote-no-pin", WARNING, "A quote's citation gives a pinpoint (page, ¶, §)."),
    Rule("stale-fact", WARNING, "A fact's as_of is within check.stale_after_days."),
    Rule("superseded-fact", WARNING, "A fact marked superseded_by is not used any more."),
    Rule("stale-use", WARNING, "A brief does not use facts that were stale or superseded by "
         "its filing date."),
    Rule("template", ERROR, "Every template in templates/ is a sound .docx with valid Jinja "
         "fields and one paragraph holding only {{ body }}."),
    Rule("brief-build", ERROR, "Every brief renders: template found and sound, Jinja valid, "
         "all fields, facts and keys resolve."),
]}


def found(rule: str, path: Path | str, line: int | None, message: str, col: int | None = None,
          severity: str | None = None) -> list[Any]:
    """A problem as cacheable data: [rule, path, line, col, message, severity]."""
    return [rule, str(path), line or 1, col or 1, message, severity or RULES[rule].severity]


def from_error(rule: str, err: DraftingError, path: Path) -> list[Any]:
    """A problem from a DraftingError (its own location when it has one)."""
    where = err.where or Location(path)
    return found(rule, where.path or path, where.line, err.message, where.col)


# ---------------------------------------------------------------- per file (cached)

def replace_jinja(body: str) -> str:
    """A brief body with its Jinja taken out for analysis: ``{{ fact("x") }}`` becomes a
    pseudo-citation (the fact is checked on its own), other tags plain words."""
    def fact(match: re.Match[str]) -> str:
        return f"[@{PSEUDO_FACT_KEY}{match[1]}]"

    body = re.sub(r"\{\{-?\s*fact\(\s*(?:fact_id\s*=\s*)?[\"']([^\"']+)[\"']\s*\)\s*-?\}\}", fact,
                  body)
    body = re.sub(r"\{\{.*?\}\}", "value", body, flags=re.S)
    return re.sub(r"\{%.*?%\}", lambda m: "\n" * m[0].count("\n"), body, flags=re.S)


def parse_markdown(text: str, path: Path, line: int, report: dict[str, Any]) -> list[Block]:
    """Parse Markdown, turning citation errors into problems."""
    try:
        from drafting.markdown import parse_blocks  # markdown-it: only for a file not cached

        return parse_blocks(text, Location(path, line))
    except DraftingError as err:
        # the citations cannot be read: the keys named in the text still count as cited
        # (else their sources would be called unused as well)
        report["mentions"] = sorted(set(KEY_MENTION.findall(text)))
        lines = text.split("\n")
        for one in getattr(err, "errors", [err]):
            problem = from_error("citation-syntax", one, path)
            problem[3] = citation_col(lines, line, problem[2], one.message)
            report["problems"].append(problem)
        return []


def citation_col(lines: list[str], first_line: int, line: int, message: str) -> int:
    """The column of the citation a message quotes ('[see @x, 3'), in its line."""
    quoted = re.search(r"'(\[[^']{1,40})", message)
    index = line - first_line
    if quoted and 0 <= index < len(lines):
        at = lines[index].find(quoted[1][:20])
        if at >= 0:
            return at + 1
    return 1


def source_col(lines: list[str], first_line: int, line: int, col: int, text: str) -> int:
    """The column in the source file where flattened ``text`` (found at ``col`` of the
    paragraph's plain text) starts: Markdown marks and citations shift it right."""
    index = line - first_line
    if not 0 <= index < len(lines):
        return col
    raw = lines[index].translate(STRAIGHT)
    probe = " ".join(text.split())[:12].translate(STRAIGHT)
    at = raw.find(probe, max(0, col - 1))
    return at + 1 if at >= 0 else col


def record_text(blocks: list[Block], report: dict[str, Any], path: Path, raw: str,
                first_line: int) -> None:
    """Citations, claims and quotes of parsed Markdown into a report."""
    lines = raw.split("\n")
    for citation in citations_in(blocks):
        for item in citation.items:
            report["cites"].append([item.key, citation.where.line or 1])
    claims, quotes = analyse(blocks)
    for claim in claims:
        what = "quotes a passage" if claim.kind == "quote" else "states a figure or date"
        report["problems"].append(found(
            "uncited-claim", path, claim.line,
            f"'{claim.excerpt}' {what} with no citation after it; cite a source or mark it "
            "[...]{.argument}", source_col(lines, first_line, claim.line, claim.col,
                                           claim.excerpt)))
    for quote in quotes:
        items = [[i.key, i.pin] for i in quote.citation.items] if quote.citation else None
        col = source_col(lines, first_line, quote.line, quote.col, quote.text)
        report["quotes"].append([quote.text, quote.line, max(1, col - 1), items])


def new_report(kind: str) -> dict[str, Any]:
    return {"kind": kind, "problems": [], "meta": {}, "cites": [], "quotes": [], "facts": []}


def analyse_fact(path: Path, data: bytes) -> dict[str, Any]:
    """Everything ``check`` needs to know about one fact file."""
    report = new_report("fact")
    try:
        meta, body, line = split_front_matter(decode_text(data, path), path)
    except DraftingError as err:
        rule = "file" if "UTF-8" in err.message or "control" in err.message else "front-matter"
        report["problems"].append(from_error(rule, err, path))
        return report
    report["meta"] = fact_meta(meta, path, report)
    if not body.strip():
        report["problems"].append(found("fact-empty", path, line, "the fact has no text; "
                                        "write it below the front matter"))
        return report
    blocks = parse_markdown(body, path, line, report)
    if blocks and not has_citation(blocks) and not report["problems"]:
        report["problems"].append(found("fact-uncited", path, line, "the fact cites no "
                                        "source; add a citation such as [@key, 12]"))
    record_text(blocks, report, path, body, line)
    return report


def fact_meta(meta: dict[str, Any], path: Path, report: dict[str, Any]) -> dict[str, Any]:
    """The front-matter fields check uses, with warnings for missing ones."""
    out: dict[str, Any] = {}
    if not str(meta.get("title") or "").strip():
        report["problems"].append(found("fact-metadata", path, 2, "the fact has no title; "
                                        "add 'title: ...' to its front matter"))
    if "tags" in meta and not isinstance(meta["tags"], list):
        report["problems"].append(found("fact-metadata", path, 2, "tags must be a list: "
                                        "tags: [ilo, strikes]"))
    as_of = as_date(meta.get("as_of")) if meta.get("as_of") is not None else None
    if as_of is None:
        report["problems"].append(found("fact-metadata", path, 2, "the fact has no valid "
                                        "as_of date; add 'as_of: 2020-01-17'"))
    out["as_of"] = as_of.isoformat() if as_of else None
    out["title"] = str(meta.get("title") or "")
    tags = meta.get("tags")
    out["tags"] = [str(t) for t in tags] if isinstance(tags, list) else []
    if meta.get("superseded_by"):
        out["superseded_by"] = str(meta["superseded_by"])
    return out


def analyse_brief(path: Path, data: bytes) -> dict[str, Any]:
    """Everything ``check`` needs to know about one brief file (its own text)."""
    report = new_report("brief")
    try:
        meta, body, line = split_front_matter(decode_text(data, path), path)
    except DraftingError as err:
        report["problems"].append(from_error("front-matter", err, path))
        return report
    if "template" not in meta:
        report["problems"].append(found("front-matter", path, 2, "the front matter names no "
                                        "'template'; add e.g. 'template: pre-hearing-brief'"))
    filed = as_date(meta.get("filing_date"))
    report["meta"] = {"filing_date": filed.isoformat() if filed else None,
                      **{k: str(meta[k]) for k in ("bibliography", "template", "style")
                         if isinstance(meta.get(k), str)}}  # for check --changed
    try:
        report["facts"] = [[f, line + n - 1] for f, n in fact_calls(body)]
    except Exception as err:  # a Jinja syntax error  # noqa: BLE001
        lineno = getattr(err, "lineno", 1) or 1
        report["problems"].append(found("brief-build", path, line + lineno - 1,
                                        f"Jinja syntax error: {getattr(err, 'message', err)}"))
    body = replace_jinja(body)
    blocks = parse_markdown(body, path, line, report)
    record_text(blocks, report, path, body, line)
    report["cites"] = [c for c in report["cites"] if not c[0].startswith(PSEUDO_FACT_KEY)]
    for block in blocks:
        if block.kind in ("heading",) or block.argument:
            continue
        words = " ".join(i.text for i in block.inlines if hasattr(i, "text")).split()
        cited = any(isinstance(i, NoteMark) for i in block.inlines)
        if not cited and len(words) >= MIN_PROSE_WORDS:
            report["problems"].append(found(
                "uncited-paragraph", path, block.line,
                f"paragraph '{' '.join(words[:8])}…' asserts facts with no citation; cite a "
                "source, or put {.argument} on the line before it if it is the brief's own"))
    return report


# ---------------------------------------------------------------- whole library

@dataclass
class Library:
    """What check read: the per-file reports and the sources."""

    root: Path
    facts: dict[Path, dict[str, Any]] = field(default_factory=dict)
    briefs: dict[Path, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    bib: Path | None = None
    problems: list[list[Any]] = field(default_factory=list)
    digests: dict[Path, str] = field(default_factory=dict)  # content hash of each file read
    ids: dict[str, Path] | None = None
    fact_paths: dict[str, list[Path]] = field(default_factory=dict)  # id → its files


def read_reports(paths: Iterable[Path], kind: str, cache: Cache, root: Path,
                 digests: dict[Path, str]) -> dict[Path, dict]:
    """Analyse files (or take their results from the cache)."""
    reports, work = start_reports(paths, kind, cache, root, digests)
    with work:
        return finish_reports(reports, work, cache, digests)


def start_reports(paths: Iterable[Path], kind: str, cache: Cache, root: Path,
                  digests: dict[Path, str]) -> tuple[dict[Path, dict], Started]:
    """Read files: the reports the cache has, and the analysis of the others, ready to
    begin side by side (``with work:``; :func:`finish_reports` waits for it)."""
    reports: dict[Path, dict] = {}
    misses: list[tuple[Path, bytes]] = []
    for path in steps(list(paths), f"reading {kind}s"):
        try:
            data = read_bytes(confined(path, root, Location(path), "file"), MAX_TEXT_BYTES)
        except DraftingError as err:
            report = new_report(kind)
            report["problems"].append(from_error("file", err, path))
            reports[path] = report
            continue
        key = digest(data, kind, path.relative_to(root).as_posix())
        digests[path] = key
        reports[path] = cache.get(key)
        if reports[path] is None:
            misses.append((path, data))
    return reports, Started(analyse_file, misses, f"analysing {kind}s", shared=kind)


def finish_reports(reports: dict[Path, dict], work: Started, cache: Cache,
                   digests: dict[Path, str]) -> dict[Path, dict]:
    """``reports`` with the analyses ``work`` did, which go into the cache too (under
    the digests :func:`start_reports` took)."""
    for (path, _data), report in zip(work.items, work.results(), strict=True):
        reports[path] = report
        cache.put(digests[path], report)
    return reports


def analyse_file(kind: str, item: tuple[Path, bytes]) -> dict[str, Any]:
    """The report on one fact or brief file (``item``: its path and bytes)."""
    return (analyse_fact if kind == "fact" else analyse_brief)(*item)


def read_sources(bib: Path, cache: Cache,
                 digests: dict[Path, str]) -> tuple[dict[str, Source], list[list[Any]]]:
    """Parse sources.bib (cached by content)."""
    try:
        data = read_bib_bytes(bib)
        digests[bib] = digest(data, "bib")
        text = decode_text(data, bib)
    except DraftingError as err:
        return {}, [from_error("file", err, bib)]
    key = digest(data, "bib")
    cached = cache.get(key)
    if cached is None:
        sources, errors = parse_sources(text, bib)
        markers = conflict_markers(text, bib)
        cached = {"sources": [[s.key, s.type, s.fields, s.where.line] for s in sources.values()],
                  "problems": markers or [from_error("bib-syntax", e, bib) for e in errors]}
        cache.put(key, cached)
    sources = {k: Source(k, t, f, Location(bib, line)) for k, t, f, line in cached["sources"]}
    return sources, cached["problems"]


def conflict_markers(text: str, bib: Path) -> list[list[Any]]:
    """Each conflict a merge left in sources.bib, at its ``<<<<<<<`` line (then the
    entry cannot be read: this says why, instead of a syntax error)."""
    out = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if line.startswith("<<<<<<<"):
            nxt = next((x.split("=")[0].strip() for x in lines[number:number + 3]
                        if "=" in x and not x.startswith("=")), "")
            what = f" (field '{nxt}' changed on both branches)" if nxt else ""
            out.append(found("merge-conflict", bib, number, f"a merge left a conflict "
                             f"here{what}: keep one version and delete the marker lines "
                             "(<<<<<<<, =======, >>>>>>>)"))
    return out


def load(root: Path, cache: Cache, focus: tuple[set[str], set[Path]] | None = None
         ) -> Library:
    """Read the whole library; with ``focus`` (:func:`focused`), of the facts only those
    that changed and those used by the briefs that changed or use one (every fact's name
    is known all the same)."""
    lib = Library(root=root)
    fact_paths = lib.fact_paths = scan_facts(root / "snippets")
    for fact_id, paths in fact_paths.items():
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(display_path(p) for p in paths if p != path)
                lib.problems.append(found("duplicate-fact", path, 1, f"fact id '{fact_id}' is "
                                          f"also used by {others}; rename one of them"))
        if not FACT_ID.match(fact_id):
            for path in paths:
                lib.problems.append(found("front-matter", path, 1, f"'{fact_id}' is not a "
                                          "usable fact id; use letters, digits, '-' and '_'"))
    lib.briefs = read_reports(sorted((root / "briefs").glob("*.md")), "brief", cache, root,
                              lib.digests)
    facts = None
    if focus is not None:
        facts = set(focus[0])
        for path, report in lib.briefs.items():
            used = {f for f, _ in report["facts"]}
            if path.resolve() in focus[1] or used & focus[0]:
                facts |= used
    reports, work = start_reports([p for i, ps in fact_paths.items() for p in ps
                                   if facts is None or i in facts], "fact", cache, root,
                                  lib.digests)
    with work:  # the facts are analysed in workers while sources.bib is parsed here
        bib = root / "sources.bib"
        if bib.is_file():
            lib.bib = bib
            lib.sources, problems = read_sources(bib, cache, lib.digests)
            lib.problems.extend(problems)
        elif bib.exists() or bib.is_symlink():  # a pipe, a folder, a dangling link
            lib.problems.append(found("file", bib, 1, "sources.bib is not a regular file (a "
                                      "device, pipe, folder or broken link); make it a text file"))
        lib.facts = finish_reports(reports, work, cache, lib.digests)
    if facts is not None:  # and the facts that supersede them (their dates matter)
        later = {str(r["meta"].get("superseded_by")) for r in lib.facts.values()} - facts
        lib.facts.update(read_reports([p for i, ps in fact_paths.items() for p in ps
                                       if i in later], "fact", cache, root, lib.digests))
    return lib


def fact_ids(lib: Library) -> dict[str, Path]:
    """Fact id → file (computed once per run)."""
    if lib.ids is None:
        lib.ids = {path.stem: path for path in lib.facts}
    return lib.ids


def check_references(lib: Library, unused: bool = True) -> list[list[Any]]:
    """Unknown keys and fact ids, and (with ``unused``) sources no one cites."""
    out = []
    cited: set[str] = set()
    known_facts = lib.fact_paths  # by name: all are known when only some were read
    for path, report in [*lib.facts.items(), *lib.briefs.items()]:
        cited.update(report.get("mentions", []))
        for key, line in report["cites"]:
            cited.add(key)
            if key not in lib.sources:
                out.append(found("unknown-key", path, line, f"unknown source key '@{key}'"
                                 f"{suggest(key, lib.sources)}; add it to sources.bib"))
        for fact_id, line in report["facts"]:
            if fact_id not in known_facts:
                out.append(found("unknown-fact", path, line, f"unknown fact '{fact_id}'"
                                 f"{suggest(fact_id, known_facts)}"))
        successor = report["meta"].get("superseded_by")
        if successor and successor not in known_facts:
            out.append(found("unknown-fact", path, 2, f"superseded_by names unknown fact "
                             f"'{successor}'{suggest(successor, known_facts)}"))
    for key, source in lib.sources.items() if unused else ():
        if key not in cited:
            out.append(found("unused-source", lib.bib or "sources.bib", source.where.line,
                             f"source '{key}' is not cited by any fact or brief"))
    return out


def check_sources(lib: Library, required: dict[str, list],
                  subtype: Callable[[Source], str] = lambda source: "") -> list[list[Any]]:
    """Source completeness: required fields (a subtype's own, ``legislation/treaty``, else
    its type's), URLs, dates, archived copies."""
    out = []
    bib = lib.bib or Path("sources.bib")
    for key, source in lib.sources.items():
        line = source.where.line
        kind = subtype(source)
        needs = required.get(f"{source.type}/{kind}") if kind else None
        for need in needs or required.get(source.type, required.get("default", [])):
            options = need if isinstance(need, list) else [need]
            if not any(str(source.fields.get(o, "")).strip() for o in options):
                wanted = " or ".join(options)
                out.append(found("missing-field", bib, line, f"@{source.type}{{{key}}} needs "
                                 f"{wanted}"))
        if source.fields.get("review"):
            out.append(found("source-review", bib, line, f"{key} needs review: "
                             f"{short(source.fields['review'], 120)}; check its fields "
                             "against the source, then delete its review field"))
        url = source.fields.get("url")
        if url and not good_url(url):
            out.append(found("bad-url", bib, line, f"{key}: url '{url}' is not a full "
                             "http(s) address"))
        for name in ("date", "urldate", "eventdate", "origdate"):
            value = source.fields.get(name)
            if value and not all(parse_date(v) for v in value.split("/")):
                out.append(found("bad-date", bib, line, f"{key}: {name} '{value}' is not an "
                                 "ISO date like 2019-07-15"))
        year = source.fields.get("year")
        if year and not re.fullmatch(r"\d{4}", year.strip()):
            out.append(found("bad-date", bib, line, f"{key}: year '{year}' is not a year"))
        if source.fields.get("file"):
            out.extend(archive_problems(key, source.fields["file"], lib.root, bib, line))
            out.extend(archive_changed(key, source, lib.root, bib, line))
    return out


def archive_changed(key: str, source: Source, root: Path, bib: Path, line: int
                    ) -> list[list[Any]]:
    """An archived copy whose bytes are not those archived (``archivesha256``)."""
    from drafting.attachments import DIGEST_FIELD, changed_copy

    recorded = source.fields.get(DIGEST_FIELD)
    if recorded and changed_copy(source.fields["file"], recorded, root):
        return [found("archive-changed", bib, line, f"{key}: the archived copy "
                      f"'{source.fields['file']}' is not the file that was archived (its "
                      f"SHA-256 differs from {DIGEST_FIELD}); if the new copy is right, put "
                      "its digest there (sha256sum prints it)")]
    return []


def archive_problems(key: str, value: str, root: Path, bib: Path, line: int) -> list[list[Any]]:
    """Problems of a source's archived copy: missing, outside the library, not a regular
    file, too large (what the quote check will read, it checks again on the open file)."""
    import stat as st

    from drafting.attachments import archived_inside
    from drafting.inputs import MAX_BINARY_BYTES
    from drafting.quotes import archive_path

    path = archive_path(value, root)
    if not archived_inside(path, root):
        return [found("archive-unsafe", bib, line, f"{key}: file '{value}' leads outside the "
                      "library; copy the archived copy into sources/archive/ and point to it")]
    try:
        info = path.stat()
    except OSError:
        return [found("archive-missing", bib, line, f"{key}: archived copy '{value}' not found")]
    if not st.S_ISREG(info.st_mode):
        return [found("archive-unsafe", bib, line, f"{key}: file '{value}' is not a regular "
                      "file (a folder, device or pipe); point to the archived document")]
    if info.st_size > MAX_BINARY_BYTES:
        return [found("archive-unsafe", bib, line, f"{key}: file '{value}' is larger than "
                      f"{MAX_BINARY_BYTES // 2**20} MB; archive the relevant part")]
    return []


def good_url(url: str) -> bool:
    """A full web address: http(s) scheme, a host with a dot, no spaces."""
    parts = urlparse(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc and not re.search(r"\s", url)


@dataclass
class ArchivedCopy:
    """A source's archived copy: its bytes and their hash at once, its text only when
    needed."""

    path: Path
    where: Location
    data: bytes
    sha: str
    _archive: Any = None

    def archive(self) -> Any:
        from drafting.quotes import Archive, archive_text

        if self._archive is None:
            self._archive = Archive(archive_text(self.data, self.path, self.where))
        return self._archive


def archived_copy(source: Source | None, root: Path) -> ArchivedCopy | None:
    """The archived copy of a source, or None when it has none, or it is missing or
    unsafe (reported by :func:`archive_problems`). Keyed by its content, never by its
    size or date."""
    from drafting.attachments import archived_inside
    from drafting.inputs import MAX_BINARY_BYTES, read_bytes
    from drafting.quotes import archive_path

    if source is None or not source.fields.get("file"):
        return None
    path = archive_path(source.fields["file"], root)
    if not archived_inside(path, root):
        return None
    try:
        data = read_bytes(path, MAX_BINARY_BYTES, source.where)
    except DraftingError:
        return None
    return ArchivedCopy(path, source.where, data, digest(data))


def check_quotes(lib: Library, cache: Cache) -> list[list[Any]]:
    """Every quote against the archived copies of the sources it is cited to."""
    out = []
    copies_by_key: dict[str, ArchivedCopy | None] = {}
    unreadable: dict[str, list[Any]] = {}  # archived copies that cannot be read
    for path, report in steps([*lib.facts.items(), *lib.briefs.items()], "checking quotes"):
        for text, line, col, items in report["quotes"]:
            keys = [k for k, _ in items or [] if k in lib.sources]
            if not keys:
                continue
            pinned = any(pin for k, pin in items if k in lib.sources)
            for key in keys:
                if key not in copies_by_key:
                    copies_by_key[key] = archived_copy(lib.sources.get(key), lib.root)
            copies = [(k, copies_by_key[k]) for k in keys if copies_by_key[k] is not None]
            if not copies:  # one line per quote: the missing pinpoint goes in it too
                out.append(found("quote-unverifiable", path, line, f"quote '{short(text)}' is "
                                 f"cited to {', '.join(keys)}, which has no archived copy "
                                 "(a `file` field) to check it against"
                                 + ("" if pinned else "; its citation also has no pinpoint"),
                                 col))
                continue
            if not pinned and not unpaged(lib.sources[keys[0]]):
                out.append(found("quote-no-pin", path, line, f"quote '{short(text)}' is cited "
                                 "without a pinpoint; add the page or paragraph: [@key, 12]",
                                 col))
            verdicts = []
            for key, copy in copies:
                verdict = quote_verdict(text, copy, cache)
                if isinstance(verdict, DraftingError):
                    unreadable[key] = from_error("archive-unsafe", verdict, lib.bib or path)
                    continue
                verdicts.append((key, verdict))
            if not verdicts:
                continue
            if any(v["found"] for _, v in verdicts):
                continue
            key, best = max(verdicts, key=lambda kv: kv[1]["score"])
            detail = (f"; closest passage ({best['score']:.0f}% alike): '{short(best['closest'])}'"
                      f"; {best['difference']}") if best["closest"] else \
                "; nothing like it is in the archived copy"
            out.append(found("quote-mismatch", path, line, f"quote '{short(text)}' is not in "
                             f"the archived copy of {key}{detail}", col))
    return out + list(unreadable.values())


VERDICT_FIELDS = {"found", "score", "closest", "difference"}


def quote_verdict(text: str, copy: ArchivedCopy, cache: Cache) -> dict[str, Any] | DraftingError:
    """Whether a quote is in an archived copy (cached on the quote and the copy's content
    hash), or the error that keeps the copy from being read."""
    cache_key = digest(text.encode(), copy.sha, copy.path.suffix.lower(), "quote")
    verdict = cache.get(cache_key)
    if not isinstance(verdict, dict) or set(verdict) != VERDICT_FIELDS:
        from drafting.quotes import find_in

        try:
            verdict = asdict(find_in(text, copy.archive()))
        except DraftingError as err:
            return err
        cache.put(cache_key, verdict)
    return verdict


def unpaged(source: Source) -> bool:
    """Web pages, and entries with ``pagination = {none}``, have no pinpoints to give."""
    return source.type == "online" or source.fields.get("pagination", "").lower() == "none"


def short(text: str, size: int = 50) -> str:
    return shorten(text, size)


def check_staleness(lib: Library, config: CheckConfig) -> list[list[Any]]:
    """Stale and superseded facts, and briefs that use them as of their filing date."""
    out = []
    today = config.reference_date()
    limit = dt.timedelta(days=config.stale_after_days)
    ids = fact_ids(lib)
    meta = {path.stem: report["meta"] for path, report in lib.facts.items()}
    for fact_id, path in ids.items():
        info = meta[fact_id]
        as_of = as_date(info.get("as_of")) if info.get("as_of") else None
        if as_of and today - as_of > limit:
            out.append(found("stale-fact", path, 2, f"as_of {as_of} is more than "
                             f"{config.stale_after_days} days before {today}; re-check it "
                             "and update as_of, or mark it superseded_by a newer fact"))
        if info.get("superseded_by"):
            out.append(found("superseded-fact", path, 2, f"superseded by "
                             f"'{info['superseded_by']}'; use that fact instead"))
    for path, report in lib.briefs.items():
        filed = as_date(report["meta"].get("filing_date")) or today
        for fact_id, line in report["facts"]:
            info = meta.get(fact_id)
            if info is None:
                continue
            as_of = as_date(info.get("as_of")) if info.get("as_of") else None
            successor = info.get("superseded_by")
            newer = as_date(meta.get(successor, {}).get("as_of") or "") if successor else None
            if successor and (newer is None or newer <= filed):
                out.append(found("stale-use", path, line, f"uses fact '{fact_id}', superseded "
                                 f"by '{successor}'"))
            elif as_of and filed - as_of > limit:
                out.append(found("stale-use", path, line, f"uses fact '{fact_id}' (as_of "
                                 f"{as_of}), stale by {filed}"))
    return out


def check_templates(root: Path) -> list[list[Any]]:
    """Every template on its own (briefs check the ones they use with their fields)."""
    from drafting.inputs import confined
    from drafting.word import check_template

    out = []
    for path in sorted((root / "templates").glob("*.docx")):
        try:  # a template linked from outside the library is not read
            check_template(confined(path, root, Location(path), "template"))
        except DraftingError as err:
            out.append(from_error("template", err, path))
    return out


def build_key(lib: Library, path: Path, report: dict[str, Any]) -> str:
    """The key of a brief's cached trial build: this drafting, the brief, the files its
    fact ids name, and sources.bib. What else the build reads (the facts' text, its
    style, template, or bibliography, and the paths it looked for) is recorded with the
    result and compared before the result is used (:func:`stored_trial`)."""
    from drafting.cache import code_digest

    named = {f: sorted(str(p) for p in lib.fact_paths.get(f, [])) for f, _ in report["facts"]}
    parts = [code_digest(), str(path.resolve()), lib.digests.get(path, "?"),
             lib.digests.get(lib.bib, "-") if lib.bib else "-", json.dumps(named, sort_keys=True)]
    return digest("\n".join(parts).encode(), "trial-build")


def stored_trial(cache: Cache, key: str) -> list[list[Any]] | None:
    """The problems the last trial build of a brief met, when every file it read is
    unchanged; else None."""
    from drafting.inputs import unchanged

    stored = cache.get(key)
    if isinstance(stored, dict) and isinstance(stored.get("problems"), list) \
            and unchanged(stored.get("reads")):
        return stored["problems"]
    return None


def trial_build(loaded: Any, path: Path) -> dict[str, Any]:
    """The problems a build of the brief meets, and every file it read (for the cache)."""
    from drafting.build import dry_run
    from drafting.inputs import recording

    problems: list[list[Any]] = []
    with recording() as reads:
        try:
            dry_run(path, loaded)
        except DraftingError as err:
            problems = [from_error("brief-build", one, path)
                        for one in getattr(err, "errors", [err])]
    return {"reads": reads.seen, "problems": problems}


@dataclass
class Trials:
    """The briefs' trial builds (:func:`start_builds`): those kept in the cache, and the
    others at work in workers while the other rules run (``with trials.work:``)."""

    briefs: list[tuple[Path, str]]  # each brief to build and its key in the cache
    kept: dict[Path, list[list[Any]] | None]  # its problems, if the cache had them
    work: Started


def start_builds(lib: Library, cache: Cache, wanted: set[Path] | None = None) -> Trials:
    """The trial builds of every brief (or those in ``wanted``) not in the cache, ready to
    begin side by side (:func:`stored_trial` tells which are)."""
    from drafting.library import Library as Loaded

    ids = fact_ids(lib)
    loaded = Loaded(root=lib.root, fact_paths={i: [p] for i, p in ids.items()},
                    sources=lib.sources)
    briefs = [(p, build_key(lib, p, r)) for p, r in lib.briefs.items()
              if wanted is None or p.resolve() in wanted]
    kept = {path: stored_trial(cache, key) for path, key in briefs}
    misses = [path for path, _key in briefs if kept[path] is None]
    return Trials(briefs, kept, Started(trial_build, misses, "building briefs",
                                        shared=loaded, at_least=4, chunk=1))


def check_builds(trials: Trials, root: Path, reported: set[tuple[str, int]],
                 cache: Cache) -> list[list[Any]]:
    """The problems of the briefs' trial builds (waiting for those at work, and keeping
    them in the cache); a build problem at a place another rule already reported is not
    said twice."""
    keys = dict(trials.briefs)
    problems_of = dict(trials.kept)
    for path, trial in zip(trials.work.items, trials.work.results(), strict=True):
        cache.put(keys[path], trial)
        problems_of[path] = trial["problems"]
    out = []
    for path, _key in trials.briefs:
        problems = list(problems_of[path] or [])
        if not any("needs front-matter field" in p[4] for p in problems):
            problems += missing_fields(root, path)  # a build stopped before them
        for problem in problems:
            if (str(Path(problem[1])), problem[2]) not in reported:
                out.append(problem)
    return out


def missing_fields(root: Path, brief: Path) -> list[list[Any]]:
    """The template fields a brief lacks, even when its build stops at another error."""
    from drafting.assemble import load_brief
    from drafting.build import template_path
    from drafting.word import refuse_missing_fields

    try:
        loaded = load_brief(brief)
        refuse_missing_fields(template_path(loaded.meta, root, loaded.where()), loaded.meta,
                              loaded.where())
    except DraftingError as err:
        if "needs front-matter field" in err.message:
            return [from_error("brief-build", err, brief)]
    return []


def required_fields(config: CheckConfig, root: Path
                    ) -> tuple[dict[str, list], Callable[[Source], str]]:
    """The fields the library's style needs, and how it tells an entry's subtype."""
    from drafting.style import load_style

    style = load_style(config.style, root)
    return dict(style.data.get("required") or {}), style.subtype


def run_check(root: Path, paths: Iterable[Path] = (), config: CheckConfig | None = None,
              use_cache: bool = True, changed: str | None = None,
              files: list[Path] | None = None) -> list[Problem]:
    """Check the library at ``root``; only problems in ``paths`` when some are given,
    and with ``changed`` (a git ref), in what changed since it (``drafting.changed``).

    When only facts and briefs changed, a ``changed`` check reads just those, the briefs,
    the facts those briefs use, and sources.bib: every rule that can report in them sees
    all it needs, and the rules whose reports fall elsewhere (sources.bib, templates)
    are not run."""
    forget_folders()
    config = config or load_config(root)
    if changed and files is None:  # (``files``: what changed, when git was asked already)
        from drafting.changed import changed_files

        files = changed_files(root, changed)
    focus = focused(root, files) if files is not None and not list(paths) else None
    # a focused run leaves the cache's other entries for the next full check
    cache = Cache(root, "check", CHECK_VERSION, enabled=use_cache,
                  keep=10**9 if focus is not None else 0)
    lib = load(root, cache, focus)
    if changed:
        from drafting.changed import to_check

        paths = [*paths, *to_check(root, changed, lib, files)]
        if not paths:
            cache.save()
            return []
    wanted = {Path(p).resolve() for p in paths} if focus is not None else None
    trials = start_builds(lib, cache, wanted)
    with trials.work:  # the briefs build in workers while the other rules run here
        raw = list(lib.problems)
        for report in [*lib.facts.values(), *lib.briefs.values()]:
            raw.extend(report["problems"])
        raw.extend(check_references(lib, unused=focus is None))  # those are in sources.bib
        if focus is None:
            raw.extend(check_sources(lib, *required_fields(config, root)))
        raw.extend(check_quotes(lib, cache))
        raw.extend(check_staleness(lib, config))
        if focus is None:
            raw.extend(check_templates(root))
        reported = {(str(Path(p[1])), p[2]) for p in raw if p[5] == ERROR}
        raw.extend(check_builds(trials, root, reported, cache))
    cache.save()
    problems = sorted({Problem(display_path(Path(p[1])), p[2], p[3], p[5], p[4], p[0])
                       for p in raw})
    return select(problems, paths)


def focused(root: Path, changed: list[Path]) -> tuple[set[str], set[Path]] | None:
    """When only facts and briefs are among the ``changed`` files: the changed facts'
    ids and the changed briefs (a focused check reads those, the briefs, and the facts
    the briefs concerned use); None when anything else changed (all is read then)."""
    top = root.resolve()
    snippets, briefs = top / "snippets", top / "briefs"
    files = [p for p in changed if p == top or top in p.parents]
    if not all(p.suffix == ".md" and (snippets in p.parents or p.parent == briefs)
               and p.is_file() for p in files):  # a fact gone: who named it? read all
        return None
    return ({p.stem for p in files if snippets in p.parents},
            {p for p in files if p.parent == briefs})


