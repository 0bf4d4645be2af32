"""Verify quotations against archived copies of their sources.

Both the quote and the archive are normalised the same way (case, curly/straight
quotes, dashes, Markdown marks), and matched ignoring spaces and hyphens (so a
line-broken "trade-\nunion" matches "trade union"); ellipses
(``...``, ``…``, ``[...]``) and bracketed alterations (``[w]e``) split a quote into
pieces that must appear in the archive in order. When a quote is not found, the
closest passage (rapidfuzz) is reported with the first place where they differ.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

from drafting.errors import DraftingError, Location
from drafting.values import dataclass

ARCHIVE_TYPES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'",
                        "’": "'", "‚": "'", "`": "'", "´": "'", "–": "-", "—": "-",
                        "‑": "-", "−": "-", "‐": "-", "\u00a0": " "})
MARKDOWN_MARKS = re.compile(r"\\(?=[^\w\s])|[*_]{1,3}|<sup>.*?</sup>|</?[a-z][^>]*>", re.S)
ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|(?:\.\s*){3}|…)\s*")
ALTERATION = re.compile(r"\[[^\]]{0,40}\]")
LETTER_CHANGE = re.compile(r"\[([A-Za-z]{1,2})\](?=\w)")  # [w]e: a changed capital
SPACE = re.compile(r"\s+")
SQUASH = re.compile(r"[\s\-]+")
CLOSE_ENOUGH = 75  # below this similarity, a passage is not worth showing


def normalize(text: str) -> str:
    """Fold the differences that do not change a quotation's words."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return SPACE.sub(" ", text).strip().lower()


def pieces(quote: str) -> list[str]:
    """The parts of a quote that must appear in the source, in order."""
    parts = []
    quote = LETTER_CHANGE.sub(r"\1", quote)
    for chunk in ELLIPSIS.split(quote):
        parts.extend(p for p in ALTERATION.split(chunk) if p.strip())
    edges = " ,;:.!?"  # punctuation at a quote's edges is often the writer's, not the source's
    return [normalize(p).strip(edges) for p in parts if len(normalize(p).strip(edges)) > 1]


@dataclass(frozen=True)
class Verdict:
    """The outcome for one quote: found, or the closest passage and how it differs."""

    found: bool
    score: float = 100.0
    closest: str = ""
    difference: str = ""


def squash(text: str) -> str:
    """Normalised text without spaces and hyphens, so that "trade union", "trade-union"
    and a line-broken "trade-\nunion" all match."""
    return SQUASH.sub("", text)


@dataclass
class Archive:
    """An archived copy's normalised text, and its squashed form for matching."""

    text: str
    _squashed: str | None = None

    @property
    def squashed(self) -> str:
        if self._squashed is None:
            self._squashed = squash(self.text)
        return self._squashed


def find_in(quote: str, archive: str | Archive) -> Verdict:
    """Look for a quote in an archive (or its normalised text)."""
    if isinstance(archive, str):
        archive = Archive(archive)
    position = 0
    for piece in pieces(quote):
        at = archive.squashed.find(squash(piece), position)
        if at < 0:
            return closest(piece, archive.text)
        position = at + len(squash(piece))
    return Verdict(True)


def closest(piece: str, archive: str) -> Verdict:
    """The passage of the archive closest to a piece of a quote, and where they differ."""
    from rapidfuzz import fuzz

    match = fuzz.partial_ratio_alignment(piece, archive)
    if match is None or match.score < CLOSE_ENOUGH:
        return reordered(piece, archive)
    start = max(0, match.dest_start - 40)
    end = min(len(archive), match.dest_end + 40)
    passage, difference = compare(piece, archive[start:end])
    return Verdict(False, round(match.score, 1), passage, difference)


#: How many places, at most, a reordered quote is looked for (those of its rarest words).
MAX_PLACES = 300


def reordered(piece: str, archive: str) -> Verdict:
    """The passage with the quote's words in another order, or with a few changed
    (rapidfuzz's token-sort score over windows of the archive's words, tried where the
    quote's rarest words are)."""
    from collections import Counter

    from rapidfuzz import fuzz

    words = piece.split()
    source = archive.split()
    if not words or not source:
        return Verdict(False, 0.0)
    counts = Counter(bare(w) for w in source)
    rare = sorted({bare(w) for w in words if counts[bare(w)]}, key=lambda w: counts[w])[:3]
    places = [i for i, w in enumerate(source) if bare(w) in rare][:MAX_PLACES]
    best, where = 0.0, (0, 0)
    size = len(words)
    for place in places:
        for start in range(max(0, place - size), place + 1):
            window = " ".join(source[start:start + size])
            score = fuzz.token_sort_ratio(piece, window)
            if score > best:
                best, where = score, (start, start + size)
    if best < CLOSE_ENOUGH:
        return Verdict(False, 0.0)
    passage = " ".join(source[where[0]:where[1]])
    same_words = sorted(map(bare, words)) == sorted(map(bare, passage.split()))
    difference = "the same words in another order" if same_words else compare(piece, passage)[1]
    return Verdict(False, round(best, 1), passage, difference)


def compare(quote: str, window: str) -> tuple[str, str]:
    """The words of ``window`` that line up with ``quote``, and the first difference."""
    a, b = quote.split(), window.split()
    ops = difflib.SequenceMatcher(a=[bare(x) for x in a], b=[bare(x) for x in b],
                                  autojunk=False).get_opcodes()
    equal = [op for op in ops if op[0] == "equal"]
    if not equal:
        return window, ""
    first, last = equal[0][3], equal[-1][4]
    first -= equal[0][1]  # the source words before the first match stand for the quote's
    last += len(a) - equal[-1][2]
    passage = " ".join(b[max(0, first) : last])
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" or (tag == "insert" and i1 in (0, len(a))):
            continue
        ours = " ".join(a[max(0, i1 - 2) : i2 + 1]) or "(nothing)"
        theirs = " ".join(b[max(0, j1 - 2) : min(j2, j1 + i2 - i1) + 1]) or "(nothing)"
        return passage, f'the quote has "{ours}" where the source has "{theirs}"'
    return passage, ""


def bare(word: str) -> str:
    """A word without the punctuation around it, for comparing words."""
    return word.strip("\"'.,;:!?()[]")


def archive_path(value: str, root: Path) -> Path:
    """The path in a ``file`` field (plain, or Zotero's ``description:path:type``)."""
    parts = value.split(":")
    if len(parts) == 3 and not re.match(r"^[A-Za-z]$", parts[0]):
        value = parts[1]
    path = Path(value)
    return path if path.is_absolute() else root / path


def archive_text(data: bytes, path: Path, where: Location) -> str:
    """The normalised text of an archived copy (its bytes): text, Markdown, HTML or PDF."""
    suffix = path.suffix.lower()
    if suffix not in ARCHIVE_TYPES:
        raise DraftingError(f"archived copy {path.name} is not text, Markdown, HTML or PDF",
                            where)
    try:
        text = pdf_text(data) if suffix == ".pdf" else data.decode("utf-8", errors="replace")
    except ValueError as err:
        raise DraftingError(f"archived copy {path.name} cannot be read ({err}); archive it "
                            "again", where) from None
    if suffix in (".html", ".htm"):
        text = html_text(text)
    return normalize(MARKDOWN_MARKS.sub("", text))


def html_text(text: str) -> str:
    """The visible text of an HTML page."""
    import lxml.html

    if not text.strip():
        return ""
    document = lxml.html.fromstring(text)
    for bad in document.xpath("//script|//style"):
        bad.drop_tree()
    return " ".join(document.itertext())


def pdf_text(data: bytes) -> str:
    """The text of a PDF (its bytes), page by page; ValueError for a damaged PDF."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, KeyError, TypeError, OSError, RecursionError) as err:
        raise ValueError(f"not a readable PDF: {type(err).__name__}") from None
