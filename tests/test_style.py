"""Citation styles (data files) turn resolved notes into footnote text."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.errors import DraftingError
from drafting.model import Citation, CiteItem, Note, Source, Span
from drafting.resolve import resolve
from drafting.style import Formatter, compile_style, load_style

SOURCES = {
    "ilo": Source(
        "ilo",
        "report",
        {
            "title": "Report of the ILO Committee, Kazakhstan",
            "date": "2019",
            "url": "https://www.ilo.org/a_b.pdf",
        },
    ),
    "grishin": Source(
        "grishin",
        "online",
        {
            "author": "Grishin, Andrei",
            "organization": "Fergana News Agency",
            "title": "A Country Under a Paragraph",
            "date": "2019-07-15",
            "url": "https://fergana.agency/articles/108990/",
        },
    ),
    "hrw": Source(
        "hrw",
        "report",
        {
            "author": "{Human Rights Watch}",
            "title": "We Are Not the Enemy",
            "shorthand": "HRW Report",
            "date": "2016-11",
        },
    ),
    "usc": Source("usc", "legislation", {"title": "19 U.S.C.", "year": "2018"}),
    "gc": Source(
        "gc", "report", {"title": "General Council notes", "date": "2019-10-15/2019-10-17"}
    ),
    "odd": Source(
        "odd",
        "misc",
        {"title": "Title with *stars* and <w:t>tags</w:t> [@x]", "date": "2020-02-30"},
    ),
}
TYPES = {k: s.type for k, s in SOURCES.items()}


def render(style: str, *notes: Note) -> list[str]:
    """Footnote texts, with italic parts marked *like this*."""
    formatter = Formatter(load_style(style, Path(".")), SOURCES)
    out = []
    for resolved in resolve(notes, TYPES):
        parts = formatter.note(resolved)
        out.append("".join(f"*{p.text}*" if getattr(p, "italic", False) else p.text
                           for p in parts))
    return out


def cite(*items: CiteItem) -> Note:
    return Note((Citation(items),))


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        (
            [cite(CiteItem("ilo", pin="198")), cite(CiteItem("ilo", pin="5"))],
            [
                "Report of the ILO Committee, Kazakhstan 198 (2019) *available at* "
                "https://www.ilo.org/a_b.pdf.",
                "*Id.* at 5.",
            ],
        ),
        (
            [cite(CiteItem("grishin")), cite(CiteItem("grishin", pin="¶ 28"))],
            [
                "Andrei Grishin, Fergana News Agency, A Country Under a Paragraph (July 15, 2019) "
                "*available at* https://fergana.agency/articles/108990/.",
                "*Id.* ¶\u00a028.",
            ],
        ),
        (
            [cite(CiteItem("usc", pin="§ 2462(d)")), cite(CiteItem("usc", pin="§ 2462(c)"))],
            ["19 U.S.C.\u00a0§\u00a02462(d) (2018).", "*Id.* §\u00a02462(c)."],
        ),
        (
            [cite(CiteItem("ilo")), cite(CiteItem("ilo", signal="see", pin="5"))],
            [
                "Report of the ILO Committee, Kazakhstan (2019) *available at* "
                "https://www.ilo.org/a_b.pdf.",
                "*See* *id.* at 5.",
            ],
        ),
        (
            [cite(CiteItem("hrw")), cite(CiteItem("grishin")), cite(CiteItem("hrw", pin="12"))],
            [
                "Human Rights Watch, We Are Not the Enemy (November 2016) "
                "[hereinafter HRW Report].",
                "Andrei Grishin, Fergana News Agency, A Country Under a Paragraph (July 15, 2019) "
                "*available at* https://fergana.agency/articles/108990/.",
                "HRW Report, *supra* note 1, at 12.",
            ],
        ),
        (
            [cite(CiteItem("grishin")), cite(CiteItem("ilo")), cite(CiteItem("grishin", pin="3"))],
            [..., ..., "Grishin, *supra* note 1, at 3."],
        ),
        (
            [
                cite(CiteItem("usc", pin="§ 2462")),
                cite(CiteItem("ilo")),
                cite(CiteItem("usc", pin="§ 2463")),
            ],
            ["19 U.S.C.\u00a0§\u00a02462 (2018).", ..., "19 U.S.C.\u00a0§\u00a02463."],
        ),
        (
            [cite(CiteItem("ilo", signal="see, e.g."), CiteItem("gc", signal="see also"))],
            [
                "*See, e.g.*, Report of the ILO Committee, Kazakhstan (2019) *available at* "
                "https://www.ilo.org/a_b.pdf; *see also* General Council notes "
                "(October 15-17, 2019)."
            ],
        ),
        (
            [cite(CiteItem("gc", pin="4", parenthetical='"quoting *someone*"'))],
            ["General Council notes 4 (October 15-17, 2019) (“quoting *someone*”)."],
        ),
        (
            [Note((Span("For examples, see "), Citation((CiteItem("ilo"),)), Span(".")))],
            [
                "For examples, see Report of the ILO Committee, Kazakhstan (2019) *available at* "
                "https://www.ilo.org/a_b.pdf."
            ],
        ),
        (
            [
                cite(CiteItem("ilo")),
                Note(
                    (
                        Span("As the Committee put it, "),
                        Citation((CiteItem("ilo", pin="3"),)),
                        Span("."),
                    )
                ),
            ],
            [..., "As the Committee put it, *id.* at 3."],
        ),
        ([cite(CiteItem("odd"))], ["Title with *stars* and <w:t>tags</w:t> [@x] (2020-02-30)."]),
    ],
)
def test_house_style(notes: list[Note], expected: list) -> None:
    got = render("house", *notes)
    assert len(got) == len(expected)
    for text, want in zip(got, expected, strict=True):
        if want is not ...:
            assert text == want


def test_ibid_style() -> None:
    got = render(
        "ibid",
        cite(CiteItem("grishin", pin="5")),
        cite(CiteItem("grishin", pin="6")),
        cite(CiteItem("ilo")),
        cite(CiteItem("grishin")),
    )
    assert got == [
        "Grishin, Andrei, “A Country Under a Paragraph,” *Fergana News Agency*, July 15, 2019, "
        "5, https://fergana.agency/articles/108990/.",
        "Ibid., 6.",
        "“Report of the ILO Committee, Kazakhstan,” 2019, https://www.ilo.org/a_b.pdf.",
        "Grishin, “A Country Under a Paragraph.”",
    ]


def test_links_are_links() -> None:
    formatter = Formatter(load_style("house", Path(".")), SOURCES)
    parts = formatter.note(resolve([cite(CiteItem("ilo"))], TYPES)[0])
    links = [p for p in parts if isinstance(p, Span) and p.link]
    assert [(p.text, p.link) for p in links] == [("https://www.ilo.org/a_b.pdf",) * 2]


def test_a_user_style_file_changes_the_words(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "mine.yaml").write_text(
        'types:\n  default:\n    full: "{{ title|upper }}"\nid: "Ibidem"\n', encoding="utf-8"
    )
    formatter = Formatter(load_style("mine", tmp_path), SOURCES)
    notes = resolve([cite(CiteItem("ilo")), cite(CiteItem("ilo"))], TYPES)
    assert [formatter.note(n)[0].text for n in notes] == [
        "REPORT OF THE ILO COMMITTEE, KAZAKHSTAN",
        "Ibidem",
    ]


def test_style_errors_name_the_template_and_line() -> None:
    with pytest.raises(DraftingError, match=r"style.yaml:3: style template 'types.report.full'"):
        text = "types:\n  report:\n    full: '{{ title'\n"
        compile_style("x", Path("style.yaml"), text, eager=True)


def test_templates_cannot_reach_python_internals() -> None:
    text = 'types:\n  default:\n    full: "{{ title.__class__.__mro__ }}x"\n'
    formatter = Formatter(compile_style("x", None, text), SOURCES)
    with pytest.raises(DraftingError, match="unsafe"):
        formatter.note(resolve([cite(CiteItem("ilo"))], TYPES)[0])


def test_unknown_style() -> None:
    with pytest.raises(DraftingError, match="unknown style 'nope'"):
        load_style("nope", Path("."))


@pytest.mark.parametrize(
    ("style", "notes", "expected"),
    [
        # R. 4.1: the same pinpoint again is "Id." alone, in every style
        ("house", [cite(CiteItem("hrw", pin="24")), cite(CiteItem("hrw", pin="24"))],
         [..., "*Id.*"]),
        ("house", [cite(CiteItem("hrw", pin="27", signal="see")),
                   cite(CiteItem("hrw", pin="27", signal="see"))], [..., "*See* *id.*"]),
        ("house", [cite(CiteItem("grishin", pin="¶ 32")), cite(CiteItem("grishin", pin="¶ 32"))],
         [..., "*Id.*"]),
        ("house", [cite(CiteItem("grishin", pin="¶ 32")), cite(CiteItem("grishin", pin="¶ 33"))],
         [..., "*Id.* ¶ 33."]),
        ("ibid", [cite(CiteItem("hrw", pin="24")), cite(CiteItem("hrw", pin="24"))],
         [..., "Ibid."]),
        ("ibid", [cite(CiteItem("hrw", pin="24")), cite(CiteItem("hrw", pin="25"))],
         [..., "Ibid., 25."]),
        # in free text, the stop of "id." ends the sentence: never "id.."
        ("house", [cite(CiteItem("hrw")),
                   Note((Span("For more, see "), Citation((CiteItem("hrw"),)), Span(".")))],
         [..., "For more, see *id.*"]),
        # the whole work after a page of it: the short form, not a bare "Id."
        ("house", [cite(CiteItem("hrw", pin="24")), cite(CiteItem("hrw"))],
         [..., "HRW Report, *supra* note 1."]),
    ],
)
def test_id_repeats_no_pinpoint_the_reader_has(style: str, notes: list[Note],
                                               expected: list) -> None:
    got = [text.replace("\u00a0", " ") for text in render(style, *notes)]
    for text, want in zip(got, expected, strict=True):
        if want is not ...:
            assert text == want


@pytest.mark.parametrize(
    ("field", "natural", "inverted", "last"),
    [
        ("Jan van der Berg", "Jan van der Berg", "van der Berg, Jan", "van der Berg"),
        ("van der Berg, Jan", "Jan van der Berg", "van der Berg, Jan", "van der Berg"),
        ("Marshall, Jr., John", "John Marshall, Jr.", "Marshall, John, Jr.", "Marshall"),
        ("{{Human Rights Watch}}", "Human Rights Watch", "Human Rights Watch",
         "Human Rights Watch"),
        ("{{Comm. on Econ., Soc. and Cultural Rts.}}", "Comm. on Econ., Soc. and Cultural Rts.",
         "Comm. on Econ., Soc. and Cultural Rts.", "Comm. on Econ., Soc. and Cultural Rts."),
        ("Compa, Lance and Vogt, Jeffrey S.", "Lance Compa & Jeffrey S. Vogt",
         "Compa, Lance & Vogt, Jeffrey S.", "Compa & Vogt"),
        ("{\\\"U}nver, Ali", "Ali Ünver", "Ünver, Ali", "Ünver"),
    ],
)
def test_names_follow_bibtex_rules(field: str, natural: str, inverted: str, last: str) -> None:
    """Names are split by bibtexparser's name middleware: von parts, Jr., institutions."""
    from drafting.library import parse_sources

    sources, errors = parse_sources(f"@book{{k, author = {{{field}}}, title = {{T}}}}\n",
                                    Path("s.bib"))
    assert not errors
    ctx = load_style("house", Path(".")).context(sources["k"])
    unescape = {"author": natural, "author_sorted": inverted, "author_last": last}
    for name, want in unescape.items():
        assert ctx[name].replace("\\&", "&") == want, name


def test_a_site_that_is_its_own_author_is_named_once() -> None:
    """A web page by Human Rights Watch on Human Rights Watch's site: one name, in
    every style."""
    page = Source("p", "online", {"author": "{Human Rights Watch}", "title": "Kazakhstan",
                                  "organization": "Human Rights Watch", "date": "2018-11-12"})
    for style in ("house", "ibid", "bluebook"):
        formatter = Formatter(load_style(style, Path(".")), {"p": page})
        parts = formatter.note(resolve([cite(CiteItem("p"))], {"p": "online"})[0])
        text = "".join(p.text for p in parts)
        assert text.count("Human Rights Watch") + text.count("Hum. Rts. Watch") == 1, text
