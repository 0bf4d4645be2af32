"""Import a Word filing into the library: a brief, its facts, and its sources.

The flow: ``wordread`` reads the document; every footnote is split into citations and
its short forms resolved (``recover``); each authority is matched to ``sources.bib``
(``match``) or given a new entry (``propose``), the candidate kept being the first the
library's style prints back as the very text of the footnote. Body paragraphs with
footnotes become facts, the rest stays in the brief. The whole import is then checked
the way ``build`` would make it: every footnote rebuilt from the new Markdown and
compared with the one in Word.

``plan_import`` changes nothing; ``write_import`` writes the plan all at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field, replace
from pathlib import Path

from drafting.errors import DraftingError, Location, display_path
from drafting.match import match_source
from drafting.mdwrite import escape, escape_block, runs_markdown
from drafting.model import Citation, CiteItem, Note, NoteMark, Source, plain_text
from drafting.progress import steps
from drafting.propose import (
    Proposal,
    braced,
    candidates,
    entry_text,
    iso_date,
    make_key,
    slug,
)
from drafting.recover import Recovered, recover_note, resolve_short_forms, split_citations
from drafting.resolve import resolve
from drafting.style import Formatter, Style
from drafting.values import dataclass
from drafting.wordread import WordDocument, WordParagraph, read_document

HEADING = re.compile(r"^(?:heading|überschrift|titre)\s*(\d)$", re.I)
QUOTE_STYLE = re.compile(r"quot|block\s*text|extract", re.I)
PREAMBLE_STYLE = re.compile(r"caption|title|subtitle|header|cover|address", re.I)
DOCKET = re.compile(r"\b(?:docket\s+(?:no\.?|number)\s*:?\s*)?([A-Z]{2,}-\d{4}-\d{3,})\b", re.I)
LONG_DATE = re.compile(r"\b([A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})\b")
#: A preamble paragraph this long is part of the filing's text, not its caption.
PREAMBLE_WORDS = 12
NORMAL = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " ", "\u2009": " ",
                        "–": "-", "—": "-"})
#: What an imported brief's front matter holds for a field the filing did not show.
FILL_IN = "'[fill in]'"
SIGNAL_SPELLING = {"see, e.g.": "see, e.g.,", "see also, e.g.": "see also, e.g.,",
                   "e.g.": "e.g.,"}


@dataclass
class Authority:
    """One source the filing cites: its key, and how it was found or made."""

    key: str
    how: str  # url, doi, title, author+year (matched) or case, web, ... (new)
    entry: str = ""  # the new entry's BibLaTeX text ("" when matched)
    review: str = ""  # why a reviewer must look at it ("" when it printed back exactly)
    note: int = 0  # the first footnote citing it


@dataclass
class ImportPlan:
    """What an import would create, and how faithful it is."""

    docx: Path
    brief: Path
    brief_text: str
    facts: dict[Path, str] = field(default_factory=dict)
    authorities: dict[str, Authority] = field(default_factory=dict)  # by authority text
    problems: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # preamble lines not imported
    notes: int = 0
    differing: list[tuple[int, str, str]] = field(default_factory=list)  # n, Word, rebuilt
    renamed: list[str] = field(default_factory=list)  # names suffixed to stay unique
    template: str = ""
    to_fill: list[str] = field(default_factory=list)  # template fields left as FILL_IN
    style: str = ""  # the style the footnotes were read in, which the brief names
    body: list[str] = field(default_factory=list)  # the Markdown of every block, in order
    lost: int = 0  # footnotes the rebuild would not have (where the importer cannot put them)

    @property
    def new_sources(self) -> list[Authority]:
        return [a for a in self.authorities.values() if a.entry]

    @property
    def matched(self) -> list[Authority]:
        return [a for a in self.authorities.values() if not a.entry]


@dataclass
class Context:
    """What planning needs from the library."""

    root: Path
    style: Style
    style_name: str
    sources: dict[str, Source]
    fact_ids: set[str]
    docx: Path


def normal(text: str) -> str:
    """Text compared without its typography: quotes, dashes, spaces, a final stop."""
    return " ".join(text.translate(NORMAL).split()).rstrip(".,;").strip()


# ------------------------------------------------------------------ the plan

def plan_import(root: Path, docx: Path, context: Context, name: str | None = None,
                template: str | None = None) -> ImportPlan:
    """Everything importing ``docx`` would write (nothing is written)."""
    document = read_document(docx)
    order = document.note_order()
    if not any(p.text().strip() for p in document.paragraphs):
        raise DraftingError("the document has no text (only images?); import a filing "
                            "saved with its text", Location(docx))
    if not order:
        raise DraftingError("the document has no footnotes, so there are no sources to "
                            "import; import filings whose citations are Word footnotes",
                            Location(docx))
    missing = [n for n in order if n not in document.footnotes]
    if missing:
        raise DraftingError(f"footnote mark {order.index(missing[0]) + 1} has no footnote "
                            "text (the document's footnotes are damaged); save it again from "
                            "Word", Location(docx))
    texts = [document.note_text(n) for n in order]
    spellings = {v: k for k, v in (context.style.word("signals", {}) or {}).items()
                 if v and v != k}
    notes, problems = resolve_short_forms([recover_note(t, spellings) for t in texts])
    problems += [f"note {i}: empty in Word; left out" for i, t in enumerate(texts, 1)
                 if not t.strip()]
    plan = ImportPlan(docx, Path(), "", problems=problems, notes=len(order),
                      style=context.style_name)
    keys = assign_keys(notes, context, plan)
    markup = {note_id: note_markup(index, items, keys, text)
              for index, (note_id, items, text) in enumerate(zip(order, notes, texts,
                                                                 strict=True))}
    name = unique_brief(root, slug(name or docx.stem, 6) or "imported", plan)
    plan.template = chosen_template(root, template)
    write_bodies(document, markup, name, context, plan)
    verify(plan, texts, context)
    return plan


def assign_keys(notes: list[list[Recovered]], context: Context, plan: ImportPlan
                ) -> dict[tuple[int, int], tuple[str, str] | None]:
    """Each citation's (key, pinpoint), by (note index, item index); None for text that
    is not a citation."""
    sources = dict(context.sources)
    last_pin: dict[str, str] = {}
    out: dict[tuple[int, int], tuple[str, str] | None] = {}
    cited_again = {i.authority for items in notes for i in items
                   if i.form != "full" and i.authority}
    for index, items in steps(list(enumerate(notes)), "reading citations"):
        for position, item in enumerate(items):
            if not (is_citation(item, sources) or item.authority in cited_again):
                out[index, position] = None
                continue
            authority = plan.authorities.get(item.authority)
            pin = item.pin.replace("\u00a0", " ")
            if authority is None:
                authority, pin = new_authority(item, index + 1, sources, context, plan)
                plan.authorities[item.authority] = authority
            elif item.form == "id" and not pin:
                pin = last_pin.get(authority.key, "")  # "Id." alone: the same page
            elif item.form == "full" and not pin:  # cited in full again: its page where
                pin = pin_from(item.raw, authority.key, sources, context)  # the style puts it
            last_pin[authority.key] = pin
            out[index, position] = (authority.key, pin)
    return out


def is_citation(item: Recovered, sources: dict[str, Source]) -> bool:
    """Whether a part of a footnote cites an authority (else it is the note's text)."""
    if item.form != "full":  # Id., supra, a short form: a citation if it points somewhere
        return bool(item.authority)
    if not item.text.strip() and not item.url:
        return False  # nothing to make a source of
    if item.url or item.date or item.hereinafter or match_source(item, sources).key:
        return True
    # a signal alone ("cf. the text") is not enough: a citation also has a number or parts
    return bool(item.signal) and re.search(r"[\d,]", item.text) is not None


def new_authority(item: Recovered, note: int, sources: dict[str, Source], context: Context,
                  plan: ImportPlan) -> tuple[Authority, str]:
    """The key of an authority cited in full for the first time: a matched entry's, or
    a new entry's (added to ``sources``); and the pinpoint to cite it at."""
    found = match_source(item, context.sources)
    if found.key:
        pin = item.pin if printed_at(found.key, item.pin, context.sources, context) \
            == normal(item.raw) else pin_from(item.raw, found.key, context.sources, context)
        return Authority(found.key, found.how, note=note), pin
    taken = set(sources) | {a.key for a in plan.authorities.values()}
    proposal, exact = choose(item, context, taken)
    key = make_key(proposal, taken)
    review = "" if exact and proposal.how != "verbatim" else \
        f"imported from {context.docx.name} note {note}: {item.raw}"
    extra = {"review": braced(review)} if review else {}
    text = laid_out(entry_text(key, proposal, extra))
    sources[key] = parsed_entry(text, context.root)[key]
    return Authority(key, proposal.how, text, review, note), proposal.pin


def laid_out(text: str) -> str:
    """An entry in ``drafting fmt``'s layout (fields in its order)."""
    from drafting import bibfile

    chunks = bibfile.parse(text)
    return bibfile.format_entry(chunks[0]) if chunks and bibfile.can_format(chunks[0]) \
        else text


def parsed_entry(text: str, root: Path) -> dict[str, Source]:
    """A proposed entry as the library will read it."""
    from drafting.library import parse_sources

    sources, errors = parse_sources(text, root / "sources.bib")
    if errors:  # a proposal is made from plain values; this is our bug, not the user's
        raise DraftingError(f"could not make an entry from a citation ({errors[0]}); please "
                            "report this", Location(root / "sources.bib"))
    return sources


def choose(item: Recovered, context: Context, taken: set[str]) -> tuple[Proposal, bool]:
    """The first reading the style prints back as the citation's own text (True), else
    the word-for-word entry (False)."""
    readings = candidates(item)
    wanted = normal(item.raw)
    for proposal in readings:
        if proposal.how == "verbatim":
            break
        if printed(proposal, context) == wanted:
            return proposal, True
        pinned = located_pin(proposal, item.raw, context)
        if pinned and printed(pinned, context) == wanted:
            return pinned, True
    last = readings[-1]
    return last, printed(last, context) == wanted


def located_pin(proposal: Proposal, raw: str, context: Context) -> Proposal | None:
    """The proposal with the pinpoint where its style would print it, if that differs."""
    try:
        sources = parsed_entry(entry_text(PROPOSAL, proposal), context.root)
    except DraftingError:
        return None
    pin = pin_from(raw, PROPOSAL, sources, context)
    return replace(proposal, pin=pin) if pin and pin != proposal.pin else None


PROPOSAL = "__proposal__"
#: A pinpoint no citation has, to find where a style prints the pinpoint.
SENTINEL = "8675309"


def printed(proposal: Proposal, context: Context) -> str:
    """How the style prints a proposed entry in full, at its pinpoint (normalised)."""
    try:
        sources = parsed_entry(entry_text(PROPOSAL, proposal), context.root)
    except DraftingError:
        return ""
    return printed_at(PROPOSAL, proposal.pin, sources, context)


def printed_at(key: str, pin: str, sources: dict[str, Source], context: Context) -> str:
    """How the style prints an entry of ``sources`` in full at ``pin`` (normalised)."""
    note = Note((Citation((CiteItem(key, pin=pin),)),))
    resolved = resolve([note], {key: sources[key].type}, no_supra=context.style.no_supra)
    return normal(plain_text(Formatter(context.style, {key: sources[key]}).note(resolved[0])))


def pin_from(raw: str, key: str, sources: dict[str, Source], context: Context) -> str:
    """The pinpoint in a citation's text, found where the style prints one: the text
    between what the style prints before and after it ("" if the rest differs)."""
    shown = printed_at(key, SENTINEL, sources, context)
    if SENTINEL not in shown:
        return ""
    before, after = shown.split(SENTINEL, 1)
    text = normal(raw)
    if text.startswith(before) and text.endswith(after) and len(text) > len(before + after):
        return text[len(before): len(text) - len(after)].strip()
    return ""


def note_markup(index: int, items: list[Recovered], keys: dict, text: str) -> str:
    """A footnote as Markdown: ``[see @a, 5; @b]`` when it holds only citations, else
    an inline note ``^[Text [@a, 5]; text.]`` keeping its own words."""
    cites = [keys[index, position] for position in range(len(items))]
    if not items:  # an empty footnote: nothing to keep (listed in the plan's problems)
        return ""
    if all(cites) and not any(item.lead for item in items):
        return " [" + "; ".join(cite_markup(i, c) for i, c in zip(items, cites, strict=True)) + "]"
    parts = split_citations(text.replace("\u00a0", " "))
    end = text.rstrip()[-1:] if text.rstrip()[-1:] in (".", "?", "!") else ""
    pieces = []
    for item, cite, part in zip(items, cites, parts, strict=True):
        if cite is None:
            pieces.append(escape(part))
        else:
            pieces.append(escape(item.lead) + "[" + cite_markup(item, cite) + "]")
    body = "; ".join(pieces)
    if end and not body.endswith(end):
        body += end
    return "^[" + body + "]"


def cite_markup(item: Recovered, cite: tuple[str, str]) -> str:
    """One authority in our citation syntax: ``see, e.g., @key, 5 ("quoting")``."""
    key, pin = cite
    signal = SIGNAL_SPELLING.get(item.signal, item.signal)
    text = (f"{signal} " if signal else "") + f"@{key}"
    if pin:
        text += f", {pin}"
    if item.parenthetical:
        text += f" ({item.parenthetical})" if pin else f", ({item.parenthetical})"
    return text


def write_bodies(document: WordDocument, markup: dict[int, str], name: str,
                 context: Context, plan: ImportPlan) -> None:
    """The brief's Markdown and a fact per cited paragraph (or block quote with its
    lead-in)."""
    blocks = body_blocks(document, plan)
    lines: list[str] = []
    meta = front_matter(document, plan)
    facts: list[tuple[str, list[str], list[int]]] = []  # id, paragraphs, notes
    for kind, paragraphs in blocks:
        if kind.startswith("heading"):  # its footnotes too ("# I. Facts[@x]")
            heading = "#" * int(kind[-1]) + " " + runs_markdown(
                paragraphs[0].runs, lambda n: markup.get(n, "")).strip()
            lines.append(heading)
            plan.body.append(heading)
            continue
        text = [paragraph_markdown(p, markup, i > 0 or bool(QUOTE_STYLE.search(p.style)))
                for i, p in enumerate(paragraphs)]
        plan.body.append(joined(text))
        notes = [n for p in paragraphs for n in p.notes()]
        if not notes:
            lines.append(joined(text))
            continue
        fact_id = unique_fact(paragraphs[0].text(), context, plan)
        facts.append((fact_id, text, notes))
        lines.append(f'{{{{ fact("{fact_id}") }}}}')
    folder = context.root / "snippets" / name
    for fact_id, text, _ in facts:
        plan.facts[folder / f"{fact_id}.md"] = fact_text(text, meta)
    plan.brief_text = brief_text(meta, lines, plan.template, context.root, plan)


def paragraph_markdown(paragraph: WordParagraph, markup: dict[int, str], quoted: bool) -> str:
    text = escape_block(runs_markdown(paragraph.runs, lambda n: markup.get(n, "")).strip())
    return "> " + text if quoted else text


def body_blocks(document: WordDocument, plan: ImportPlan
                ) -> list[tuple[str, list[WordParagraph]]]:
    """The document's body as headings, paragraphs and block quotes (each with the
    paragraph that leads into it); the caption before the first heading is left out."""
    out: list[tuple[str, list[WordParagraph]]] = []
    seen_heading = False
    for paragraph in document.paragraphs:
        text = paragraph.text().strip()
        if not text and not paragraph.notes():
            continue
        level = HEADING.match(paragraph.style.strip())
        if level:
            seen_heading = True
            out.append((f"heading{min(int(level[1]), 6)}", [paragraph]))
        elif not seen_heading and not paragraph.notes() and (
                PREAMBLE_STYLE.search(paragraph.style)
                or len(text.split()) < PREAMBLE_WORDS):
            plan.left_out.append(text)
        elif is_quote(paragraph, out[-1] if out else None) and out \
                and out[-1][0] in ("para", "quote"):
            kind, items = out[-1]
            out[-1] = ("quote", [*items, paragraph])
        elif QUOTE_STYLE.search(paragraph.style):
            out.append(("quote", [paragraph]))
        else:
            out.append(("para", [paragraph]))
    return out


def is_quote(paragraph: WordParagraph, before: tuple[str, list[WordParagraph]] | None
             ) -> bool:
    """A block quote: in a quotation style, or (as many filings set them) wholly in
    italics after a lead-in that ends with a colon, or after such a quote."""
    if QUOTE_STYLE.search(paragraph.style):
        return True
    if before is None or before[0] not in ("para", "quote"):
        return False
    lead = before[1][-1].text().rstrip()
    italic = all(run.italic for run in paragraph.runs if run.note is None and run.text.strip())
    return italic and (lead.endswith(":") or before[0] == "quote")


def front_matter(document: WordDocument, plan: ImportPlan) -> dict[str, str]:
    """What the caption says that a brief's front matter holds: title, docket, date."""
    meta: dict[str, str] = {}
    caption = plan.left_out
    if caption:
        meta["title"] = caption[0]
    for line in caption:
        docket = DOCKET.search(line)
        if docket and "docket" not in meta:
            meta["docket"] = docket[1]
        date = LONG_DATE.search(line)
        if date and "filing_date" not in meta and iso_date(date[1].replace(",", ", ")):
            meta["filing_date"] = iso_date(date[1]) or ""
    return meta


def fact_text(paragraphs: list[str], meta: dict[str, str]) -> str:
    """A fact file: front matter (a title from its first words, an ``imported`` tag, the
    filing's date) and the paragraphs."""
    from drafting.upkeep import yaml_scalar

    words = re.sub(r"[*\\\[\]^]", "", paragraphs[0]).split()
    title = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
    as_of = meta.get("filing_date") or dt.date.today().isoformat()
    return (f"---\ntitle: {yaml_scalar(title)}\ntags: [imported]\nas_of: {as_of}\n---\n"
            + joined(paragraphs) + "\n")


def joined(paragraphs: list[str]) -> str:
    """Paragraphs as Markdown: a blank line after a lead-in, ``>`` between quoted ones."""
    out = paragraphs[0]
    for previous, paragraph in zip(paragraphs, paragraphs[1:], strict=False):
        out += ("\n>\n" if previous.startswith(">") else "\n\n") + paragraph
    return out


def brief_text(meta: dict[str, str], lines: list[str], template: str, root: Path,
               plan: ImportPlan) -> str:
    """The brief: front matter with what the caption gave and a placeholder for every
    other field the template prints (listed in ``plan.to_fill``), then the body."""
    from drafting.templates import template_fields
    from drafting.upkeep import yaml_scalar

    front = [f"template: {yaml_scalar(template)}", f"style: {yaml_scalar(plan.style)}"]
    front += [f"{k}: {v if k.endswith('_date') else yaml_scalar(v)}" for k, v in meta.items()]
    path = root / "templates" / f"{template}.docx"
    fields = template_fields(path) if path.is_file() else []
    groups: dict[str, list[str]] = {}
    for wanted in fields:  # the required fields the caption did not give
        head, _, attribute = wanted.name.partition(".")
        if wanted.required and head not in meta:
            groups.setdefault(head, []).extend([attribute] if attribute else [])
            plan.to_fill.append(wanted.name)
    for head, attributes in groups.items():
        if attributes:
            front.append(f"{head}:")
            front += [f"  {a}: {FILL_IN}" for a in attributes]
        else:
            front.append(f"{head}: {FILL_IN}")
    return "---\n" + "\n".join(front) + "\n---\n" + "\n\n".join(lines) + "\n"


def chosen_template(root: Path, name: str | None) -> str:
    """The template named (``--template``), else the library's first."""
    from drafting.library import suggest

    found = [p.stem for p in sorted((root / "templates").glob("*.docx"))]
    if not found:
        raise DraftingError("the library has no templates; add one to templates/ or run "
                            "'drafting init'", Location(root / "templates"))
    if name is None:
        return found[0]
    name = name.removesuffix(".docx")
    if name not in found:
        raise DraftingError(f"no template '{name}' in templates/{suggest(name, found)}; "
                            f"there are: {', '.join(found)}")
    return name


def unique_brief(root: Path, name: str, plan: ImportPlan) -> str:
    """A brief name (and snippets folder) not yet in the library: suffixed if taken."""
    base, number = name, 2
    while (root / "briefs" / f"{name}.md").exists() or any_files(root / "snippets" / name):
        name, number = f"{base}-{number}", number + 1
    if name != base:
        plan.renamed.append(f"brief '{base}' exists: importing as '{name}'")
    plan.brief = root / "briefs" / f"{name}.md"
    return name


def any_files(folder: Path) -> bool:
    """Whether a folder holds anything (an empty one, left by an interrupted import,
    is free to use)."""
    return folder.is_dir() and any(folder.iterdir())


def unique_fact(text: str, context: Context, plan: ImportPlan) -> str:
    """A fact id from a paragraph's first words, not used in the library or this plan."""
    base = slug(text, 5) or "imported"
    taken = context.fact_ids | {p.stem for p in plan.facts}
    fact_id, number = base, 2
    while fact_id in taken:
        fact_id, number = f"{base}-{number}", number + 1
    if fact_id != base and base in context.fact_ids:
        plan.renamed.append(f"fact '{base}' exists: importing as '{fact_id}'")
    context.fact_ids.add(fact_id)
    return fact_id


# ------------------------------------------------------------------ the proof

def verify(plan: ImportPlan, texts: list[str], context: Context) -> None:
    """Rebuild every footnote from the planned Markdown, as ``build`` would, and record
    those that would not read as they do in Word."""
    from drafting.markdown import parse_blocks

    sources = dict(context.sources)
    for authority in plan.new_sources:
        sources.update(parsed_entry(authority.entry, context.root))
    notes = [item.note for block in parse_blocks("\n\n".join(plan.body), Location(plan.brief))
             for item in block.inlines if isinstance(item, NoteMark)]
    texts = [t for t in texts if t.strip()]  # empty footnotes are left out, and said so
    types = {key: source.type for key, source in sources.items()}
    formatter = Formatter(context.style, sources)
    rebuilt = [plain_text(formatter.note(n))
               for n in resolve(notes, types, no_supra=context.style.no_supra)]
    for number, (word, ours) in enumerate(zip(texts, rebuilt, strict=False), start=1):
        if normal(word) != normal(ours):
            plan.differing.append((number, word, ours))
    if len(rebuilt) != len(texts):
        plan.lost = len(texts) - len(rebuilt)
        plan.problems.append(f"{len(texts)} footnotes in Word, {len(rebuilt)} rebuilt")


# ------------------------------------------------------------------ library side

def open_context(root: Path, docx: Path, style_name: str | None) -> Context:
    """The library's sources, fact ids and style, as an import reads them."""
    from drafting.catalog import library_style
    from drafting.library import load_sources, scan_facts
    from drafting.style import load_style

    bib = root / "sources.bib"
    sources = load_sources(bib) if bib.exists() else {}
    name = style_name or library_style(root)
    return Context(root, load_style(name, root), name, sources,
                   set(scan_facts(root / "snippets")), docx)


def import_filing(root: Path, docx: Path, write: bool = False, style: str | None = None,
                  name: str | None = None, template: str | None = None) -> ImportPlan:
    """Plan an import and, with ``write``, write it all at once under the library lock
    (planned again under the lock, so a second writer cannot slip in between)."""
    from drafting.store import library_lock

    if not write:
        return plan_import(root, docx, open_context(root, docx, style), name, template)
    with library_lock(root):
        plan = plan_import(root, docx, open_context(root, docx, style), name, template)
        write_import(root, plan)
    return plan


def write_import(root: Path, plan: ImportPlan) -> None:
    """Write the brief, the facts and the new entries together (or nothing)."""
    from drafting.store import Transaction
    from drafting.upkeep import in_layout, read_bib

    if plan.lost:
        raise DraftingError(f"{plan.lost} of the filing's footnotes would be lost (in a table, "
                            "a text box or a caption, where import does not read); nothing was "
                            "written", Location(plan.docx))
    for path in [plan.brief, *plan.facts]:
        if path.exists():  # planned names are new; this is a race we refuse, not a rename
            raise DraftingError("appeared while importing; nothing was written, run the "
                                "import again", Location(path))
    transaction = Transaction(root, {plan.brief: plan.brief_text, **plan.facts})
    if plan.new_sources:
        bib = read_bib(root)
        text = bib.text.rstrip("\n")
        added = "\n".join(a.entry for a in plan.new_sources)
        transaction.write(bib.path, bib.saved(in_layout(bib, (text + "\n\n" if text else "")
                                                        + added)))
    for path in transaction.writes:
        path.parent.mkdir(parents=True, exist_ok=True)
    transaction.commit()


def summary_rows(plan: ImportPlan) -> list[list[str]]:
    """The dry run's table: what would be created, matched and reviewed."""
    rows = [["brief", display_path(plan.brief), f"template {plan.template}"]]
    rows += [["fact", display_path(path), ""] for path in plan.facts]
    for authority in plan.authorities.values():
        if authority.entry:
            what = "new source, review" if authority.review else "new source"
            rows.append([what, authority.key, f"{authority.how}, note {authority.note}"])
        else:
            rows.append(["matched", authority.key, f"by {authority.how}, note {authority.note}"])
    return rows
