"""Format resolved citations with a citation style, which is data (a YAML file).

A style has one Jinja2 template per entry type and form (``full``, ``supra``,
``short``) plus the short-form words (``id``, signals, ``hereinafter``). Templates
produce inline Markdown: ``*available at*`` is italic, while every value from a
source is escaped, so a title can never turn into formatting or markup.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from drafting.abbreviations import (
    Tables,
    abbreviate_case_name,
    abbreviate_name,
    abbreviate_periodical,
    build_tables,
    edition,
    first_page,
    ordinal,
    thousands,
    title_case,
)
from drafting.cache import Cache, jinja, memoized, template_from
from drafting.cache import digest as cache_digest
from drafting.errors import DraftingError, Location
from drafting.inputs import confined, is_input
from drafting.library import parse_names, read_text, suggest
from drafting.limits import (
    EXPRESSION_ERRORS,
    MAX_BRACKET_DEPTH,
    LimitError,
    check_brackets,
    too_deep,
)
from drafting.model import Inline, NoteRef, Source, Span, decode_inline, encode_inline
from drafting.patterns import pattern
from drafting.resolve import FULL, ID, SHORT, SUPRA, ResolvedCitation, ResolvedItem, ResolvedNote
from drafting.typography import Typography, typeset_inlines
from drafting.values import dataclass

MD_SPECIAL = pattern(r"([\\`*_\[\]<>#^~|&!])")
MD_SPECIAL_ESCAPED = pattern(r"\\([\\`*_\[\]<>#^~|&!])")
AUTOLINK_OK = pattern(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*$")
SENTENCE_END = pattern(r"(^|[.?!:][\"'”’)]*)\s*$")
PIN_NEEDS_AT = pattern(r"^(\d|[ivxlcdm]+\b(?!\.))", re.I)  # "at 5", "at xii"; not "cl. 3"
BUILTIN_STYLES = ("house", "ibid", "bluebook")
BUILTIN_FOLDER = Path(__file__).parent / "styles"
TABLE_NAME = pattern(r"^[A-Za-z0-9_-]{1,40}$")
#: ``{{ note }}`` prints the number between these (private-use) characters; the Word
#: writer turns it into a field that Word keeps right when notes are added.
NOTE_OPEN, NOTE_CLOSE = "\ue000", "\ue001"
NOTE_NUMBER = pattern(f"{NOTE_OPEN}(\\d+){NOTE_CLOSE}")
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")


def md_escape(value: Any) -> str:
    """Escape a value so Markdown shows it literally."""
    return MD_SPECIAL.sub(r"\\\1", str(value))


def md_unescape(value: Any) -> str:
    """Undo :func:`md_escape`."""
    return MD_SPECIAL_ESCAPED.sub(r"\1", str(value))


def blank_none(value: Any) -> Any:
    """Jinja ``finalize``: missing values print as nothing."""
    from jinja2 import Undefined

    return "" if value is None or isinstance(value, Undefined) else value


def escaped(values: dict[str, Any]) -> dict[str, Any]:
    """Escape every string value, so templates can only add markup, never values; the
    spaces :func:`tidy` would take out of a value (" ." in "The .NET Way", "( Draft )")
    are kept apart from the template's own."""
    return {k: kept_spaces(md_escape(v)) if isinstance(v, str) else v
            for k, v in values.items()}


def kept_spaces(value: str) -> str:
    """A value's spaces before ``,.;)`` and after ``(`` marked as its own."""
    return TIDY_SPACES.sub(KEPT_SPACE, value) if TIDY_SPACES.search(value) else value


def link(url: Any) -> str:
    """Filter: an (escaped) URL as a link, shown exactly as written."""
    text = md_unescape(url or "").strip()
    return f"<{text}>" if AUTOLINK_OK.match(text) else md_escape(text)


def at(pin: Any) -> str:
    """Filter: ``5`` → ``at 5``; ``¶ 28``, ``§ 2462(d)``, ``art. 402`` stay as they are."""
    text = str(pin or "")
    return f"at {text}" if PIN_NEEDS_AT.match(text) else text


def ordinal_filter(value: Any) -> str:
    """Filter: ``116`` → ``116th``, ``102`` → ``102d`` (R. 6.2(b)); other text as it is."""
    text = str(value or "").strip()
    return ordinal(int(text)) if text.isdigit() and len(text) < 6 else text


def thousands_filter(value: Any) -> str:
    """Filter: ``12345`` → ``12,345`` (R. 6.2(a)); other text as it is."""
    return thousands(str(value or "").strip())


def join_names(names: list[str], conjunction: str, etal_from: int) -> str:
    """``A``, ``A & B``, ``A, B & C``, or ``A et al.`` from ``etal_from`` names on (or
    when the list ends in BibTeX's ``and others``)."""
    if names and names[-1] == "others":
        return f"{names[0]} et al." if len(names) > 1 else names[0]
    if len(names) >= etal_from > 0:
        return f"{names[0]} et al."
    if len(names) <= 2:
        return f" {conjunction} ".join(names)
    return ", ".join(names[:-1]) + f" {conjunction} " + names[-1]


def parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    """``2019``, ``2019-07`` or ``2019-07-15`` → ``(year, month, day)``; None if not a date."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    return year, month, day


@dataclass
class Style:
    """A loaded citation style."""

    name: str
    path: Path | None
    data: dict[str, Any]
    text: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # template key -> Jinja source
    templates: dict[str, Any] = field(default_factory=dict)  # compiled on first use
    tables: Tables = field(default_factory=Tables)  # the Bluebook tables it lists
    tables_text: str = ""  # the text of those table files, for the digest

    @property
    def digest(self) -> str:
        """A hash of the style file's text and its tables' (part of the keys of cached
        citations)."""
        if "_digest" not in self.__dict__:
            self.__dict__["_digest"] = cache_digest(
                (self.text + "\0" + self.tables_text).encode(), "style")
        return self.__dict__["_digest"]

    def compiled(self, key: str) -> Any:
        """The compiled template for a key (``types.report.full``, ``id``, ...)."""
        if key not in self.templates:
            common = str(self.data.get("common", ""))
            try:
                self.templates[key] = template_from(style_env(), common + self.sources[key])
            except jinja("TemplateSyntaxError") as err:
                raise DraftingError(f"style template '{key}' has a Jinja error: {err.message}",
                                    Location(self.path, template_lines(self.text).get(key))
                                    ) from None
        return self.templates[key]

    def word(self, name: str, default: Any) -> Any:
        return self.data.get(name, default)

    @property
    def typography(self) -> Typography:
        """The typography rules this style applies (``typography:``)."""
        if "_typography" not in self.__dict__:
            self.__dict__["_typography"] = Typography.of(self.data.get("typography"))
        return self.__dict__["_typography"]

    @property
    def no_supra(self) -> list[str]:
        return list(self.data.get("no_supra", ["legislation", "jurisdiction"]))

    def template(self, kind: str, entry_type: str = "") -> Any:
        """The compiled template for a form of an entry type (``report/un-doc``: a
        subtype's own, else its type's), falling back to ``default``."""
        for name in template_names(kind, entry_type):
            if name in self.sources:
                return self.compiled(name)
        if kind in (SUPRA, SHORT):
            return self.template(FULL, entry_type)
        raise DraftingError(
            f"the style has no '{kind}' template; add types.default.{kind}", Location(self.path)
        )

    def months(self) -> list[str]:
        """Month names: the style's twelve, its T12 table's, or English."""
        names = self.word("months", None) or list(self.tables.months) or None
        if not isinstance(names, list) or len(names) != 12:
            return list(ENGLISH_MONTHS)
        return [str(n) for n in names]

    def render(self, kind: str, entry_type: str, context: dict[str, Any]) -> str:
        """Render one template; a template's own error becomes a DraftingError."""
        try:
            text = self.template(kind, entry_type).render(context)
            if text.count("[") > MAX_BRACKET_DEPTH:  # before Markdown reads it
                check_brackets(text, self.where(kind, entry_type))
            return text
        except jinja("TemplateError") as err:
            raise DraftingError(
                f"style template for '{kind}' ({entry_type or 'any type'}) failed: {err}",
                Location(self.path),
            ) from None
        except LimitError as err:
            raise LimitError(f"style template for '{kind}' ({entry_type or 'any type'}): "
                             f"{err.message}", self.where(kind, entry_type)) from None
        except (RecursionError, MemoryError) as err:
            raise too_deep(self.where(kind, entry_type), err) from None
        except EXPRESSION_ERRORS as err:
            raise DraftingError(f"style template for '{kind}' ({entry_type or 'any type'}) "
                                f"failed: {type(err).__name__}: {err}",
                                self.where(kind, entry_type)) from None

    def where(self, kind: str, entry_type: str) -> Location:
        """The place in the style file of the template for a form of an entry type."""
        lines = template_lines(self.text)
        return Location(self.path, next((lines[n] for n in template_names(kind, entry_type)
                                         if n in lines), None))

    def format_date(self, value: str) -> str:
        """``2019-03-14`` → ``March 14, 2019``; ranges ``a/b`` → ``October 15-17, 2019``."""
        months = self.months()
        if "/" in value:
            start, end = (parse_date(v) for v in value.split("/", 1))
            if start and end:
                return self.format_range(start, end, months)
        parsed = parse_date(value)
        if not parsed:
            return value
        year, month, day = parsed
        if month is None:
            return str(year)
        if day is None:
            return f"{months[month - 1]} {year}"
        return f"{months[month - 1]} {day}, {year}"

    def format_range(self, start: tuple, end: tuple, months: list[str]) -> str:
        """A date range, shortened where the two ends share the year or month."""
        (y1, m1, d1), (y2, m2, d2) = start, end
        if y1 == y2 and m1 and m1 == m2 and d1 and d2:
            return f"{months[m1 - 1]} {d1}-{d2}, {y1}"
        if y1 == y2 and m1 and m2 and not d1 and not d2:
            return f"{months[m1 - 1]}–{months[m2 - 1]} {y1}"
        return f"{self.format_date(iso(start))}–{self.format_date(iso(end))}"

    def context(self, source: Source) -> dict[str, Any]:
        """The variables a template sees for a source: its fields, tidied."""
        ctx: dict[str, Any] = {k.replace("-", "_"): v for k, v in source.fields.items()}
        conj, etal = self.word("and", "&"), int(self.word("et_al_from", 4))
        for name in ("author", "editor", "shortauthor"):
            people = parse_names(source.fields.get(name, ""))
            if people:
                # with Bluebook tables, an institution's name is abbreviated (T6, T10)
                short = self.institution if self.tables else str
                ctx[name] = join_names([short(p.natural) if p.corporate else p.natural
                                        for p in people], conj, etal)
                ctx[f"{name}_sorted"] = join_names([p.inverted for p in people], conj, etal)
                ctx[f"{name}_last"] = join_names([short(p.family) if p.corporate else p.family
                                                  for p in people], conj, etal)
            ctx[f"{name}_count"] = len(people)
        raw_date = source.fields.get("date") or year_month(source.fields)
        ctx["date"] = self.format_date(raw_date) if raw_date else ""
        ctx["year"] = source.fields.get("year") or (raw_date[:4] if raw_date else "")
        for name in ("urldate", "eventdate", "origdate"):
            if source.fields.get(name):
                ctx[name] = self.format_date(source.fields[name])
        ctx.update(key=source.key, type=source.type, subtype=self.subtype(source))
        if self.tables or self.data.get("title_case"):
            ctx.update(self.bluebook_context(source))
        return escaped(ctx)

    def institution(self, name: str) -> str:
        """An institution's name abbreviated by the style's tables."""
        return abbreviate_name(name, self.tables)

    def subtype(self, source: Source) -> str:
        """An entry's subtype: its ``entrysubtype`` or ``type`` field (``working-paper``),
        else the first of the style's ``subtypes:`` rules that its fields meet."""
        given = source.fields.get("entrysubtype") or source.fields.get("type") or ""
        if given.strip():
            return "-".join(given.lower().replace(".", " ").split())
        rules = (self.data.get("subtypes") or {}).get(source.type) or {}
        for name, rule in rules.items():  # their shapes were checked by parse_style
            if meets(source.fields, rule):
                return str(name)
        return ""

    def bluebook_context(self, source: Source) -> dict[str, Any]:
        """What the Bluebook tables add: abbreviated institutions (T6, T10), the
        periodical's abbreviation (T13), R. 8 title case, ordinal editions, first page."""
        fields, tables = source.fields, self.tables
        extra: dict[str, Any] = {}
        for name in ("institution", "organization", "publisher", "court"):
            if fields.get(name):
                extra[f"{name}_abbr"] = self.institution(fields[name])
        if fields.get("location"):
            extra["location_abbr"] = tables.places.get(
                " ".join(fields["location"].split()).lower(), fields["location"])
        journal = fields.get("shortjournal") or fields.get("journaltitle")
        if journal:
            extra["journal_abbr"] = fields.get("shortjournal") or \
                abbreviate_periodical(journal, tables)
        small = self.data.get("title_case")
        if isinstance(small, list):
            language = fields.get("langid") or fields.get("language") or ""
            for name in ("title", "shorttitle", "booktitle", "maintitle"):
                if fields.get(name):
                    extra[name] = title_case(fields[name], small, language,
                                             self.data.get("title_case_foreign") or ())
        if source.type == "jurisdiction" and fields.get("title"):
            extra["title_abbr"] = abbreviate_case_name(extra.get("title", fields["title"]),
                                                       tables)
        if fields.get("type"):
            extra["report_type"] = fields["type"]  # `type` is the entry type
        if fields.get("edition"):
            extra["edition_short"] = edition(fields["edition"])
        if fields.get("pages"):
            extra["first_page"] = first_page(fields["pages"])
        return extra


def template_names(kind: str, entry_type: str) -> tuple[str, ...]:
    """Where a form's template may be, most specific first: ``types.report/un-doc.full``,
    ``types.report.full``, ``types.default.full``, ``full``."""
    base = entry_type.split("/", 1)[0]
    names = [f"types.{entry_type}.{kind}"] if "/" in entry_type else []
    return (*names, f"types.{base}.{kind}", f"types.default.{kind}", kind)


def meets(fields: dict[str, str], rule: dict[str, Any]) -> bool:
    """Whether an entry's fields meet a ``subtypes:`` rule: ``missing: [volume]``,
    ``one_of: {journaltitle: [U.N.T.S.]}``, ``prefix: {number: [E/, A/]}``."""
    missing = rule.get("missing") or []
    if any(str(fields.get(name, "")).strip() for name in missing):
        return False
    for name, values in (rule.get("one_of") or {}).items():
        if fields.get(name, "").strip() not in values:
            return False
    for name, starts in (rule.get("prefix") or {}).items():
        if not fields.get(name, "").strip().startswith(tuple(starts)):
            return False
    return bool(missing or rule.get("one_of") or rule.get("prefix"))


def iso(parts: tuple) -> str:
    """``(2019, 7, None)`` → ``2019-07``."""
    year, month, day = parts
    return f"{year}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")


def year_month(fields: dict[str, str]) -> str:
    """A date from old-style ``year`` and ``month`` fields."""
    year = fields.get("year", "")
    month = fields.get("month", "").strip().lower()[:3]
    names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    if year and month in names:
        return f"{year}-{names.index(month) + 1:02d}"
    if year and month.isdigit() and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year  # no month, or one that is not a month: the year alone


@lru_cache(maxsize=1)
def style_env() -> Any:
    """The sandboxed Jinja environment for style templates (made on first use)."""
    from drafting.limits import MAX_STYLE_STEPS
    from drafting.sandbox import BoundedEnvironment

    env = BoundedEnvironment(finalize=blank_none, autoescape=False, steps=MAX_STYLE_STEPS)
    env.filters.update(link=link, at=at, ordinal=ordinal_filter, thousands=thousands_filter)
    return env


def template_lines(text: str) -> dict[str, int]:
    """Map dotted keys of a YAML mapping (``types.report.full``) to their 1-based lines."""
    lines: dict[str, int] = {}

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                name = f"{prefix}{key.value}"
                lines[name] = value.start_mark.line + 1
                walk(value, name + ".")

    import yaml

    with contextlib.suppress(yaml.YAMLError):
        walk(yaml.compose(text), "")
    return lines


def compile_style(name: str, path: Path | None, text: str, eager: bool = False,
                  memo: Cache | None = None,
                  tables: tuple[tuple[Path | None, str], ...] = ()) -> Style:
    """Parse a style file's text (and its tables' texts). Templates compile when first
    used (a build needs a few of them), or all at once with ``eager``."""
    data = memoized(memo, text.encode(), "style", lambda: parse_style(text, path))
    style = Style(name=name, path=path, data=data, text=text, tables=parse_tables(tables),
                  tables_text="\0".join(table for _, table in tables))
    style.sources = {k: str(data[k]) for k in ("id", "signal", "hereinafter", "parenthetical")
                     if k in data}
    for type_name, forms in (data.get("types") or {}).items():
        for form, source in (forms or {}).items():
            style.sources[f"types.{type_name}.{form}"] = str(source)
    if eager:
        for key in style.sources:
            style.compiled(key)
    return style


def parse_style(text: str, path: Path | None) -> dict[str, Any]:
    """A style file's YAML, checked to be a style."""
    from drafting.yamldata import parse_yaml

    try:
        data = parse_yaml(text, path or Path("style"), 1, "style")
    except DraftingError as err:
        raise DraftingError(err.message, err.where if path else None) from None
    if not isinstance(data, dict) or "types" not in data:
        raise DraftingError(
            "a style needs a 'types' mapping with templates per entry type", Location(path, 1)
        )
    lines = template_lines(text)
    for key, problem in value_problems(data):
        raise DraftingError(f"'{key}' {problem}", Location(path, lines.get(key, 1)))
    problem = subtype_rules_problem(data.get("subtypes"))
    if problem:
        raise DraftingError(f"'subtypes' {problem} (like 'article: {{newspaper: {{missing: "
                            "[volume]}}}' in the built-in bluebook style)",
                            Location(path, lines.get("subtypes")))
    return data


RULE_KINDS = {"missing": list, "one_of": dict, "prefix": dict}
#: The plain settings of a style and the kind of value each must have.
SETTINGS: dict[str, tuple[type, str]] = {
    "and": (str, "must be text, like '&'"),
    "separator": (str, "must be text, like '; '"),
    "end": (str, "must be text, like '.'"),
    "et_al_from": (int, "must be a whole number, like 3"),
    "no_supra": (list, "must list entry types, like [legislation, jurisdiction]"),
    "signals": (dict, "must map signals to their words, like 'see, e.g.': 'see, e.g.'"),
    "months": (list, "must list twelve month names"),
    "title_case": (list, "must list the words kept in lower case, like [a, an, the]"),
    "title_case_foreign": (list, "must list words of other languages, like [de, la]"),
    "tables": (list, "must list table names, like [T6, T13]"),
    "typography": (dict, "must map rules to true or false, like {ellipsis: false}"),
}


def value_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The plain settings of a style whose values have the wrong kind."""
    problems = []
    for key, (kind, problem) in SETTINGS.items():
        value = data.get(key)
        if value is None:
            continue
        wrong = not isinstance(value, kind) or isinstance(value, bool) and kind is int
        if isinstance(value, list):
            wrong = wrong or not all(isinstance(v, str) for v in value)
        if isinstance(value, dict):
            wrong = wrong or not all(isinstance(k, str) and isinstance(v, (str, bool))
                                     for k, v in value.items())
        if key == "months" and isinstance(value, list) and len(value) != 12:
            wrong = True
        if wrong:
            problems.append((key, problem))
    return problems


def subtype_rules_problem(rules: Any) -> str:
    """What is wrong with a style's ``subtypes:`` rules, or ``""``."""
    if rules is None:
        return ""
    if not isinstance(rules, dict):
        return "must be a mapping of entry types"
    for entry_type, named in rules.items():
        if not isinstance(named, dict):
            return f"of '{entry_type}' must map subtype names to rules"
        for name, rule in named.items():
            if not isinstance(rule, dict) or not rule or set(rule) - set(RULE_KINDS):
                return f"'{entry_type}/{name}' must be a rule with missing, one_of or prefix"
            for kind, value in rule.items():
                if not isinstance(value, RULE_KINDS[kind]):
                    return f"'{entry_type}/{name}': {kind} has the wrong shape"
                lists = [value] if kind == "missing" else list(value.values())
                if not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                           for v in lists):
                    return f"'{entry_type}/{name}': {kind} must list text values"
    return ""


T = TypeVar("T")
_COMPILED: dict[tuple, Style] = {}  # the 16 styles compiled last, newest at the end
_LISTED: dict[tuple, list[str]] = {}  # the tables the 16 styles read last list


def in_process(store: dict[tuple, T], key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, remembered in ``store`` for the 16 keys used last (newest at the
    end)."""
    value = store.pop(key, None)
    if value is None:
        value = compute()
    store[key] = value
    while len(store) > 16:
        del store[next(iter(store))]
    return value


def _load_cached(path: Path | None, name: str, text: str, memo: Cache | None,
                 tables: tuple[tuple[Path | None, str], ...]) -> Style:
    """``compile_style``, remembered for the last 16 styles by everything it is made from.
    ``memo`` only speeds up a miss, so it is not part of the key: as a key it kept every
    build's whole cache alive in a long-running process (``build --watch``)."""
    return in_process(_COMPILED, (path, name, text, tables),
                      lambda: compile_style(name, path, text, memo=memo, tables=tables))


def load_style(name: str, root: Path, memo: Cache | None = None) -> Style:
    """A style by file path, or by name from ``ROOT/styles/`` or the built-in styles,
    with the tables it lists (read afresh each time: they are inputs too)."""
    for candidate in (root / name, root / "styles" / f"{name}.yaml"):
        if is_input(candidate):
            confined(candidate, root, None, "style")
            text = read_text(candidate)
            return _load_cached(candidate, name, text, memo,
                                table_texts(candidate, text, root, memo))
    if name in BUILTIN_STYLES:
        text = (BUILTIN_FOLDER / f"{name}.yaml").read_text(encoding="utf-8")
        return _load_cached(None, name, text, memo, table_texts(None, text, root, memo))
    raise DraftingError(
        f"unknown style '{name}'; use one of {', '.join(BUILTIN_STYLES)} "
        f"or a path to a style .yaml file"
    )


def listed_tables(path: Path | None, text: str, memo: Cache | None) -> list[str]:
    """The tables a style's text lists, its YAML parsed once in this process (a check
    builds every brief with the same style); a list of text: parse_style checked it."""
    def listed() -> list[str]:
        data = memoized(memo, text.encode(), "style", lambda: parse_style(text, path))
        return list(data.get("tables") or [])

    return in_process(_LISTED, (path, text), listed)


def table_texts(path: Path | None, text: str, root: Path, memo: Cache | None
                ) -> tuple[tuple[Path | None, str], ...]:
    """The texts of the tables a style lists (``tables: [T6, T13]``): for each, the
    built-in file, then the library's ``styles/tables/NAME.yaml`` (merged over it)."""
    names = listed_tables(path, text, memo)

    def where() -> Location:  # composing the YAML again only for an error
        return Location(path, template_lines(text).get("tables"))

    found: list[tuple[Path | None, str]] = []
    for name in names:
        if not TABLE_NAME.match(name):
            raise DraftingError(f"table name {name!r} is not a name like T13; use letters, "
                                "digits, '-' and '_'", where())
        builtin = BUILTIN_FOLDER / "tables" / f"{name}.yaml"
        texts = [(None, builtin.read_text(encoding="utf-8"))] if builtin.is_file() else []
        folders = [root / "styles" / "tables"] + ([path.parent / "tables"] if path else [])
        for folder in dict.fromkeys(folders):
            own = folder / f"{name}.yaml"
            if is_input(own):
                texts.append((confined(own, root, Location(own), "table"), read_text(own)))
        if not texts:
            raise DraftingError(f"the style lists table '{name}', which is neither built in "
                                f"nor at styles/tables/{name}.yaml; add it or remove it from "
                                "'tables'", where())
        found.extend(texts)
    return tuple(found)


TABLE_KEYS: dict[str, type] = {"words": dict, "places": dict, "periodicals": dict,
                               "periodical_words": dict, "omit": list, "months": list}
TABLE_SHAPES = {"words": "'Word: Abbr.' pairs", "places": "'Place: Abbr.' pairs",
                "periodicals": "'Full Name: Abbr.' pairs",
                "periodical_words": "'Word: Abbr.' pairs", "omit": "a list of words",
                "months": "a list of twelve month names"}


def parse_tables(texts: tuple[tuple[Path | None, str], ...]) -> Tables:
    """The tables from their texts, each checked to be ``name: {Word: Abbr.}`` data."""
    parsed = []
    for path, text in texts:
        from drafting.yamldata import parse_yaml  # (only for a style with tables)

        data = parse_yaml(text, path or Path("built-in table"), 1, "table") or {}
        if not isinstance(data, dict):
            raise DraftingError("a table must map names (words, places, periodicals, "
                                "periodical_words, omit, months) to 'Word: Abbr.' pairs or "
                                "lists", Location(path, 1))
        lines = template_lines(text)
        for key, value in data.items():
            value = {} if value is None else value
            where = Location(path, lines.get(str(key), 1))
            if key not in TABLE_KEYS:
                raise DraftingError(f"unknown table part '{key}'{suggest(str(key), TABLE_KEYS)};"
                                    f" a table has {', '.join(TABLE_KEYS)}", where)
            if not isinstance(value, TABLE_KEYS[key]) or (
                    key == "months" and len(value) != 12):
                raise DraftingError(f"'{key}' must be {TABLE_SHAPES[key]}", where)
            items = value.items() if isinstance(value, dict) else ((v, v) for v in value)
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in items):
                raise DraftingError(f"'{key}' must hold text only ('Word: Abbr.' pairs or a "
                                    "list); quote numbers and yes/no/on/off words", where)
            data[key] = value
        parsed.append(data)
    return build_tables(parsed)


class Formatter:
    """Turns resolved notes into inline text with a style and the library's sources."""

    def __init__(self, style: Style, sources: dict[str, Source],
                 memo: Cache | None = None) -> None:
        self.style = style
        self.sources = sources
        self.memo = memo
        self._contexts: dict[str, dict[str, Any]] = {}

    def inline(self, text: str) -> list[Inline]:
        """Formatted citation Markdown as inlines (remembered across runs in ``memo``)."""
        def parse() -> list[Inline]:
            from drafting.markdown import parse_inline

            return parse_inline(text)

        return memoized(self.memo, text.encode(), "inline", lambda: note_refs(parse()),
                        lambda parts: [encode_inline(p) for p in parts],
                        lambda data: [decode_inline(p) for p in data])

    def entry_type(self, key: str) -> str:
        """A source's type with its subtype, as templates are looked up: ``report/un-doc``."""
        subtype = self.source_context(key).get("subtype")
        return f"{self.sources[key].type}/{subtype}" if subtype else self.sources[key].type

    def source_context(self, key: str) -> dict[str, Any]:
        """The variables a style's templates see for a source (kept across runs in
        ``memo``: names are parsed, and bibtexparser loaded, only for a changed entry)."""
        if key not in self._contexts:
            source = self.sources[key]
            inputs = [self.style.digest, source.key, source.type, source.fields]
            self._contexts[key] = memoized(self.memo, json.dumps(inputs, sort_keys=True).encode(),
                                           "context", lambda: self.style.context(source))
        return self._contexts[key]

    def note(self, note: ResolvedNote) -> list[Inline]:
        """A footnote's content, typeset, ready for the Word writer."""
        return typeset_inlines(self.note_parts(note), self.style.typography)

    def note_parts(self, note: ResolvedNote) -> list[Inline]:
        """A footnote's content before typesetting."""
        parts = note.parts
        if len(parts) == 1 and isinstance(parts[0], ResolvedCitation):
            return self.end_sentence(self.inline(self.citation(parts[0], capital=True)))
        out: list[Inline] = []
        for part in parts:
            if isinstance(part, ResolvedCitation):
                before = "".join(p.text for p in out if isinstance(p, Span))
                capital = SENTENCE_END.search(before) is not None
                out.extend(self.inline(self.citation(part, capital)))
            elif (isinstance(part, Span) and part.text.startswith(".") and out
                  and isinstance(out[-1], Span) and out[-1].text.endswith(".")):
                # "see id." + "." : the abbreviation's stop ends the sentence too
                if part.text[1:]:
                    out.append(part.styled(text=part.text[1:]))
            else:
                out.append(part)
        return out

    def end_sentence(self, parts: list[Inline]) -> list[Inline]:
        """Close a citation sentence with the style's full stop unless it has one.

        The stop goes inside a closing quotation mark, as American usage wants.
        """
        spans = [p for p in parts if isinstance(p, Span)]
        if not spans or re.search(r"[.?!][\"'”’]?$", spans[-1].text):
            return parts
        end = self.style.word("end", ".")
        last = spans[-1]
        if last.text.endswith("”") and not last.link:
            index = len(parts) - 1 - parts[::-1].index(last)
            return [
                *parts[:index],
                last.styled(text=last.text[:-1] + end + "”"),
                *parts[index + 1 :],
            ]
        return [*parts, Span(end)]

    def citation(self, citation: ResolvedCitation, capital: bool) -> str:
        """One citation (a string cite of one or more authorities) as inline Markdown."""
        pieces = []
        for index, item in enumerate(citation.items):
            first = capital and index == 0
            pieces.append(self.item(item, first))
        return tidy(self.style.word("separator", "; ").join(pieces))

    def item(self, resolved: ResolvedItem, capital: bool) -> str:
        """One authority in its decided form, with its signal and parenthetical
        (remembered across runs: the same style, source and form give the same text)."""
        item = resolved.item
        inputs = [self.style.digest, self.sources[item.key].type, self.source_context(item.key),
                  resolved.form, resolved.full_note, item.signal, resolved.pin,
                  item.parenthetical, capital]
        return memoized(self.memo, json.dumps(inputs, sort_keys=True).encode(), "cite",
                        lambda: self.render_item(resolved, capital))

    def reference(self, key: str, closed: bool = True) -> list[Inline]:
        """A source's full citation on its own (no pinpoint, signal or hereinafter), for a
        table of authorities or a list of sources."""
        def render() -> str:
            ctx = dict(self.source_context(key))
            ctx.update(pin="", note="", capital=True, parenthetical="")
            return tidy(self.style.render(FULL, self.entry_type(key), ctx))

        inputs = [self.style.digest, self.sources[key].type, self.source_context(key)]
        text = memoized(self.memo, json.dumps(inputs, sort_keys=True).encode(), "reference",
                        render)
        parts = self.inline(text)
        parts = self.end_sentence(parts) if closed else parts
        return typeset_inlines(parts, self.style.typography)

    def render_item(self, resolved: ResolvedItem, capital: bool) -> str:
        """One authority rendered with the style's templates."""
        item = resolved.item
        signal = ""
        if item.signal:
            words = self.style.word("signals", {}) or {}
            text = words.get(item.signal, item.signal)
            text = text[:1].upper() + text[1:] if capital else text
            signal = self.style.render("signal", "", {"signal": md_escape(text)}).strip() + " "
            capital = False
        ctx = dict(self.source_context(item.key))
        ctx.update(
            pin=md_escape(resolved.pin),
            note=f"{NOTE_OPEN}{resolved.full_note}{NOTE_CLOSE}",
            capital=capital,
            parenthetical=item.parenthetical,
        )
        entry_type = self.entry_type(item.key)
        if resolved.form == ID:
            body = self.style.render("id", entry_type, ctx)
        else:
            body = self.style.render(resolved.form, entry_type, ctx)
            hereinafter = "hereinafter" in self.style.sources
            if resolved.form == FULL and ctx.get("shorthand") and hereinafter:
                body += self.style.render("hereinafter", entry_type, ctx)
        if item.parenthetical and "parenthetical" in self.style.sources:
            body += self.style.render("parenthetical", entry_type, ctx)
        return signal + body.strip()


def note_refs(parts: list[Inline]) -> list[Inline]:
    """Turn the note-number placeholders a template printed into live references."""
    out: list[Inline] = []
    for part in parts:
        if not isinstance(part, Span) or NOTE_OPEN not in part.text:
            out.append(part)
            continue
        for index, piece in enumerate(NOTE_NUMBER.split(part.text)):
            if index % 2:
                out.append(NoteRef(int(piece)))
            elif piece:
                out.append(part.styled(text=piece))
    return out


KEPT_SPACE = "\ue021"  # a value's own space, which tidy() must not remove
TIDY_SPACES = pattern(r" (?=[,.;)])|(?<=\() ")


def tidy(text: str) -> str:
    """Collapse the spaces and stray commas that optional template parts leave behind."""
    text = re.sub(r"[ \t\n]+", " ", text)
    text = re.sub(r" +([,.;)])", r"\1", text)
    text = re.sub(r"\(\s*,?\s*", "(", text)
    text = re.sub(r",+", ",", text)
    return text.strip().replace(KEPT_SPACE, " ")
