"""The bluebook style: full citations, short forms, Id. and supra for every kind of source.

Expected strings follow the Bluebook's own examples (21st ed.), in the typeface of
court documents (Bluepages: titles and case names italic, marked *like this* here);
non-breaking spaces are shown as "~". tests/data/bluebook.bib holds the sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from drafting.build import build
from drafting.errors import DraftingError
from drafting.library import load_sources
from drafting.model import Citation, CiteItem, Note
from drafting.resolve import resolve
from drafting.style import Formatter, load_style
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
SOURCES = load_sources(ROOT / "tests" / "data" / "bluebook.bib")
TYPES = {key: source.type for key, source in SOURCES.items()}


def render(*items: CiteItem, style: str = "bluebook", root: Path = ROOT,
           sources: dict | None = None) -> list[str]:
    """The footnotes citing ``items`` one per note (from ``sources``, else
    tests/data/bluebook.bib), italics as *...*, NBSP as ~."""
    sources = SOURCES if sources is None else sources
    chosen = load_style(style, root)
    formatter = Formatter(chosen, sources)
    notes = [Note((Citation((item,)),)) for item in items]
    types = {key: source.type for key, source in sources.items()}
    out = []
    for resolved in resolve(notes, types, no_supra=chosen.no_supra):
        parts = formatter.note(resolved)
        out.append("".join(f"*{p.text}*" if getattr(p, "italic", False) else p.text
                           for p in parts).replace("\u00a0", "~"))
    return out


def forms(key: str, pin: str, later: str) -> list[str]:
    """Full (at ``pin``), then after another source the short form (at ``later``), then
    Id. at the same pinpoint and Id. at another."""
    other = "rhode-1989" if key != "rhode-1989" else "brown"
    notes = render(CiteItem(key, pin=pin), CiteItem(other), CiteItem(key, pin=later),
                   CiteItem(key, pin=later), CiteItem(key, pin="1"))
    return [notes[0], notes[2], notes[3], notes[4]]


CASES = [
    # R. 16.4: consecutively paginated journal, volume, first page, pinpoint; T13
    ("compa-vogt-2001", "205", "210", [
        "Lance Compa & Jeffrey S. Vogt, *Labor Rights in the Generalized System of "
        "Preferences: A 20-Year Review*, 22 Comp. Lab. L. & Pol’y J. 199, 205 (2001).",
        "Compa & Vogt, *supra* note 1, at 210."]),
    # R. 15.1: a book
    ("rhode-1989", "56", "60", [
        "Deborah L. Rhode, *Justice and Gender* 56 (1989).", "Rhode, *supra* note 1, at 60."]),
    # R. 15.1, 15.4: two authors, a later edition ("3d ed.", R. 6.2(b)), a section pinpoint
    ("wright-miller", "§ 1006", "§ 1008", [
        "Charles Alan Wright & Arthur R. Miller, *Federal Practice and Procedure* §~1006 "
        "(3d ed. 2002).", "Wright & Miller, *supra* note 1, §~1008."]),
    # R. 15.1(c): an institution as author (T6), "Fifth (revised)" edition
    ("ilo-digest", "¶ 66", "¶ 70", [
        "Int’l Lab. Off., *Freedom of Association: Digest of Decisions and Principles of the "
        "Freedom of Association Committee of the Governing Body of the ILO* ¶~66 "
        "(5th rev. ed. 2006).", "Int’l Lab. Off., *supra* note 1, ¶~70."]),
    # R. 15.2: the editor in the parenthetical
    ("dickens", "49", "50", [
        "Charles Dickens, *Bleak House* 49 (Norman Page ed., 1971).",
        "Dickens, *supra* note 1, at 50."]),
    # R. 15.5.1: a chapter in an edited book: first page, pinpoint
    ("deaux-major", "89", "95", [
        "Kay Deaux & Brenda Major, *A Social-Psychological Model of Gender*, *in* "
        "*Theoretical Perspectives on Sexual Difference* 89, 89 (Deborah L. Rhode ed., 1990).",
        "Deaux & Major, *supra* note 1, at 95."]),
    # R. 16.6: a newspaper in print: full date, "at" page (T12 months, T13 "N.Y. Times")
    ("rosenthal", "", "", [
        "Andrew Rosenthal, *White House Tutors Kremlin in How a Presidential Campaign Should "
        "Be Run*, N.Y. Times, Aug. 3, 1992, at A1.", "Rosenthal, *supra* note 1."]),
    # R. 16.6, 18.2.2: an online periodical: (date), URL; leading "The" dropped (T13)
    ("sorbello", "", "", [
        "Paolo Sorbello, *Mass Brawl at Kazakh Oil Field Unveils Labor Dissatisfaction*, "
        "Diplomat (July 2, 2019), https://thediplomat.com/2019/07/mass-brawl/.",
        "Sorbello, *supra* note 1."]),
    # R. 15, 18.2.1: an organisation's report, abbreviated (T6), URL without "available at"
    ("hrw-2016", "25", "30", [
        "Hum. Rts. Watch, *“We Are Not the Enemy”: Violations of Workers’ Rights in "
        "Kazakhstan* 25 (Nov. 2016), https://www.hrw.org/report/2016/11/23/we-are-not-enemy.",
        "Hum. Rts. Watch, *supra* note 1, at 30."]),
    # R. 17.2.3: a working paper
    ("wp", "12", "14", [
        "Hannah Smith, *Trade and Labor Standards* 12 (Harvard Pub. Law Working Paper "
        "No. 12-34, 2012).", "Smith, *supra* note 1, at 14."]),
    # R. 21.7: a U.N. document with its symbol; R. 8 title case; T6 "Comm. on Econ."
    ("cescr", "¶ 32", "¶ 33", [
        "Comm. on Econ., Soc. & Cultural Rts., *Concluding Observations on the Second "
        "Periodic Report of Kazakhstan*, ¶~32, U.N. Doc. E/C.12/KAZ/CO/2 (Mar. 29, 2019).",
        "Comm. on Econ., Soc. & Cultural Rts., *supra* note 1, ¶~33."]),
    # R. 21.8: an ILO committee report, the institution as author
    ("ilo-cas", "198", "200", [
        "Int’l Lab. Org., *Report of the ILO Committee on the Application of Standards, "
        "Kazakhstan* 198 (2019), https://www.ilo.org/cas.pdf.",
        "Int’l Lab. Org., *supra* note 1, at 200."]),
    # R. 13.3: a congressional hearing ("116th Cong."), which may take supra (R. 4.2(a))
    ("hearing", "25", "30", [
        "*Generalized System of Preferences: Hearing Before the Subcomm. on Trade of the H. "
        "Comm. on Ways and Means*, 116th Cong. 25 (2019).",
        "*Generalized System of Preferences: Hearing Before the Subcomm. on Trade of the H. "
        "Comm. on Ways and Means*, *supra* note 1, at 30."]),
    # R. 18.2.2: a web page whose author is the site: named once
    ("hrw-attack", "", "", [
        "Hum. Rts. Watch, *Kazakhstan: Attack on Trade Union Leaders* (Nov. 12, 2018), "
        "https://www.hrw.org/news/2018/11/12/kazakhstan-attack.",
        "Hum. Rts. Watch, *supra* note 1."]),
    # R. 18.2.2: author, title, site (date), URL
    ("grishin", "", "", [
        "Andrei Grishin, *A Country Under a Paragraph*, Fergana News Agency (July 15, 2019), "
        "https://fergana.agency/articles/108990/.", "Grishin, *supra* note 1."]),
    # R. 10: a Supreme Court case (no court in the parenthetical); R. 10.9 short form
    ("brown", "495", "496", [
        "*Brown v. Bd. of Educ.*, 347 U.S. 483, 495 (1954).", "*Brown*, 347 U.S. at 496."]),
    # R. 10: a district court case in F. Supp. 2d; T6 "Corp."
    ("sdny", "1300", "1310", [
        "*Doe v. Unocal Corp.*, 110 F. Supp. 2d 1294, 1300 (C.D. Cal. 2000).",
        "*Unocal*, 110 F. Supp. 2d at 1310."]),
    # R. 12.3: a code section with its name and year; R. 12.10 short form
    ("usc", "§ 2462(d)", "§ 2462(c)", [
        "Generalized System of Preferences, 19 U.S.C.~§~2462(d) (2018).",
        "19 U.S.C.~§~2462(c)."]),
    # R. 12.4: a public law in the Statutes at Large
    ("trade-act", "§ 502", "§ 503", [
        "Trade Act of 1974, Pub. L. No. 93-618, §~502, 88 Stat. 1978 (1975).",
        "Trade Act of 1974 §~503."]),
    # R. 20.5: a foreign statute, the jurisdiction abbreviated (T10)
    ("kaz-tu", "art. 5", "art. 6", [
        "Law on Trade Unions, No. 211-V, art. 5 (June 27, 2014) (Kaz.).",
        "Law on Trade Unions, art. 6."]),
    # R. 14.2: the Code of Federal Regulations
    ("cfr", "§ 1910.1200", "§ 1910.1201", [
        "29 C.F.R.~§~1910.1200 (2023).", "29 C.F.R.~§~1910.1201."]),
    # R. 14.2, 6.2(a): the Federal Register with its full date, 12,345; short form "at"
    ("fedreg", "32380", "32390", [
        "Occupational Exposure to COVID-19, 86 Fed. Reg. 32,376, 32,380 (June 21, 2021) "
        "(to be codified at 29 C.F.R. pt. 1910).", "86 Fed. Reg. at 32,390."]),
    # R. 21.4: a treaty (an ILO convention) in U.N.T.S., the article after the name
    ("c087", "art. 3", "art. 4", [
        "Freedom of Association and Protection of the Right to Organise Convention, art. 3, "
        "July 9, 1948, 68 U.N.T.S. 17.", "ILO Convention No. 87, art. 4."]),
    # R. 17.2.5: an unpublished interview
    ("interview", "", "", [
        "Telephone Interview with Michael Hoffman, Senior Engineer, Beams Co. (Jan. 3, 2010).",
        "Hoffman Interview, *supra* note 1."]),
]


@pytest.mark.parametrize(("key", "pin", "later", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_full_short_and_id_forms(key: str, pin: str, later: str, expected: list[str]) -> None:
    full, short, same, other = forms(key, pin, later)
    assert full == expected[0]
    assert short == expected[1]
    # R. 4.1: the same pinpoint again is "Id." alone; another page is "Id. at 1"
    assert same == "*Id.*"
    assert other == "*Id.* at 1."


def test_hereinafter_and_its_short_form() -> None:
    """R. 4.2(b): [hereinafter Name] after the full citation; later "Name, supra note 1"."""
    source = SOURCES["hrw-2016"]
    SOURCES["hrw-short"] = type(source)("hrw-short", source.type,
                                        {**source.fields, "shorthand": "HRW Report"})
    TYPES["hrw-short"] = "report"
    try:
        notes = render(CiteItem("hrw-short", pin="25"), CiteItem("rhode-1989"),
                       CiteItem("hrw-short", pin="30"))
    finally:
        del SOURCES["hrw-short"], TYPES["hrw-short"]
    assert notes[0].endswith("we-are-not-enemy [*hereinafter* HRW Report].")
    assert notes[2] == "HRW Report, *supra* note 1, at 30."


def test_signals_and_string_cites() -> None:
    """R. 1.2: italic signals, "See, e.g.," with the comma roman; R. 1.4 semicolons."""
    chosen = load_style("bluebook", ROOT)
    formatter = Formatter(chosen, SOURCES)
    note = Note((Citation((CiteItem("brown", signal="see, e.g.", pin="495"),
                           CiteItem("rhode-1989", signal="see also"))),))
    parts = formatter.note(resolve([note], TYPES)[0])
    text = "".join(f"*{p.text}*" if p.italic else p.text for p in parts)
    assert text == ("*See, e.g.*, *Brown v. Bd. of Educ.*, 347 U.S. 483, 495 (1954); "
                    "*see also* Deborah L. Rhode, *Justice and Gender* (1989).")


def test_other_styles_are_unchanged_by_the_tables() -> None:
    """The tables belong to the bluebook style: house and ibid print names as written."""
    assert render(CiteItem("ilo-cas"), style="house")[0].startswith(
        "Report of the ILO Committee on the Application of Standards, Kazakhstan (2019)")
    assert render(CiteItem("hrw-attack"), style="ibid")[0].startswith("Human Rights Watch, ")


def library_with_style(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    (root / "styles" / "tables").mkdir(parents=True)
    return root


def test_a_library_adds_a_journal_in_its_own_t13(tmp_path: Path) -> None:
    root = library_with_style(tmp_path)
    assert "22 Comp. Lab. L. & Pol’y J. 199" in render(CiteItem("compa-vogt-2001"), root=root)[0]
    (root / "styles" / "tables" / "T13.yaml").write_text(
        "periodicals:\n  Comparative Labor Law & Policy Journal: CLLPJ\n", encoding="utf-8")
    assert "22 CLLPJ 199" in render(CiteItem("compa-vogt-2001"), root=root)[0]
    # the built-in entries are still there
    assert "Int’l Lab. Org." in render(CiteItem("ilo-cas"), root=root)[0]


def test_a_shortjournal_field_wins(tmp_path: Path) -> None:
    source = SOURCES["compa-vogt-2001"]
    SOURCES["cv"] = type(source)("cv", "article", {**source.fields, "shortjournal": "Comp. LJ"})
    TYPES["cv"] = "article"
    try:
        assert "22 Comp. LJ 199" in render(CiteItem("cv"))[0]
    finally:
        del SOURCES["cv"], TYPES["cv"]


@pytest.mark.parametrize(("text", "message"), [
    ("periodicals: [a, b]\n", "'periodicals' must be 'Full Name: Abbr.' pairs"),
    ("omit: {x: y}\n", "'omit' must be a list of words"),
    ("months: [a, b]\n", "'months' must be a list of twelve month names"),
    ("periodical: {A: B}\n", "unknown table part 'periodical' \\(did you mean 'periodicals'"),
    ("periodicals: {A: 5}\n", "must hold text only"),
    ("- just\n- a list\n", "a table must map names"),
    ("words: 5\n", "'words' must be 'Word: Abbr.' pairs"),
    ("omit: [yes, no]\n", "must hold text only"),
    ("periodicals: {A: B\n", "table"),
])
def test_a_bad_library_table_is_a_located_error(tmp_path: Path, text: str,
                                                message: str) -> None:
    root = library_with_style(tmp_path)
    table = root / "styles" / "tables" / "T13.yaml"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(DraftingError, match=message) as caught:
        load_style("bluebook", root)
    assert "T13.yaml" in str(caught.value.where)


def test_a_style_listing_a_missing_table_is_an_error(tmp_path: Path) -> None:
    root = library_with_style(tmp_path)
    (root / "styles" / "mine.yaml").write_text(
        "tables: [T99]\ntypes:\n  default:\n    full: '{{ title }}'\n", encoding="utf-8")
    with pytest.raises(DraftingError, match=r"mine.yaml:1: the style lists table 'T99'"):
        load_style("mine", root)
    (root / "styles" / "mine.yaml").write_text(
        "tables: [../T6]\ntypes:\n  default:\n    full: '{{ title }}'\n", encoding="utf-8")
    with pytest.raises(DraftingError, match="is not a name like T13"):
        load_style("mine", root)


def test_editing_a_table_changes_the_next_cached_build(make_library, tmp_path: Path) -> None:
    """A cached build never serves yesterday's abbreviation: the tables are inputs."""
    make_library.fact("x", "A claim. [@ilo-cas-2019, 5]")
    brief = make_library.brief('{{ fact("x") }}', front=(
        "template: pre-hearing-brief\nstyle: bluebook\ntitle: T\ndocket: X\n"
        "filing_date: 2020-01-17\npetitioner: {name: U}\n"))
    out = tmp_path / "a.docx"
    build(brief, out)
    assert read_footnotes(out)[1][0].text.startswith("Int’l Lab. Org., ")
    tables = make_library.root / "styles" / "tables"
    tables.mkdir(parents=True)
    (tables / "T6.yaml").write_text("words:\n  Organization: Organisation\n", encoding="utf-8")
    build(brief, out)
    assert read_footnotes(out)[1][0].text.startswith("Int’l Lab. Organisation, ")


def test_the_example_library_builds_in_bluebook(tmp_path: Path) -> None:
    library = tmp_path / "example"
    for name in ("briefs", "snippets", "templates", "sources"):
        shutil.copytree(ROOT / name, library / name)
    for name in ("sources.bib", "drafting.yaml"):
        shutil.copy(ROOT / name, library / name)
    out = tmp_path / "bb.docx"
    build(library / "briefs" / "kazakhstan-2020.md", out, style="bluebook")
    notes = [n.text for n in read_footnotes(out)[1]]
    assert notes[2] == "Id." and notes[9] == "Id."
    assert notes[4].startswith("CESCR, Concluding Observations on the Second Periodic Report "
                               "of Kazakhstan, ¶¶\u00a027-28, 32-33, U.N. Doc. E/C.12/KAZ/CO/2 "
                               "(Mar. 29, 2019)")
    assert not any("available at" in n for n in notes)


@pytest.mark.parametrize("rules", ["[a]", "{article: [x]}", "{article: {news: {missing: volume}}}",
                                   "{article: {news: {one_of: {journaltitle: U.N.T.S.}}}}",
                                   "{article: {news: {bogus: [x]}}}"])
def test_bad_subtype_rules_are_a_located_error(tmp_path: Path, rules: str) -> None:
    root = library_with_style(tmp_path)
    (root / "styles" / "mine.yaml").write_text(
        f"types:\n  default:\n    full: '{{{{ title }}}}'\nsubtypes: {rules}\n", encoding="utf-8")
    with pytest.raises(DraftingError, match=r"mine.yaml:4: 'subtypes' "):
        load_style("mine", root)


def bib_render(tmp_path: Path, bib: str, *items: tuple[str, str]) -> list[str]:
    """Footnotes citing ``(key, pin)`` one per note, from the sources in ``bib``."""
    (tmp_path / "s.bib").write_text(bib, encoding="utf-8")
    return render(*(CiteItem(k, pin=p) for k, p in items), root=tmp_path,
                  sources=load_sources(tmp_path / "s.bib"))


@pytest.mark.parametrize(("entry", "pins", "expected"), [
    # an address inside running text is kept as written (no em dash, no ellipsis)
    ("@online{a, title={Reports}, author={{Union}}, date={2020}, "
     "note={x}, url={https://x.org/a--b...c}}", [("a", "")],
     ["Union, *Reports* (2020), https://x.org/a--b...c."]),
    # R. 8 keeps small words of a hyphenated compound, a label "A", other languages
    ("@book{a, author={Smith, John}, title={Right-to-Work Laws and Exhibit A}, date={2001}}",
     [("a", "")], ["John Smith, *Right-to-Work Laws and Exhibit A* (2001)."]),
    ("@book{a, author={Smith, John}, title={Código de Trabajo de la República}, date={2001}}",
     [("a", "")], ["John Smith, *Código de Trabajo de la República* (2001)."]),
    # "and others" is "et al." (R. 15.1(a))
    ("@book{a, author={Smith, John and others}, title={T}, date={2001}}", [("a", "5")],
     ["John Smith et al., *T* 5 (2001)."]),
    # subsections differ in case: (a) is not (A), so the pinpoint is printed again
    ("@legislation{u, title={NLRA}, volume={29}, journaltitle={U.S.C.}, date={2018}}",
     [("u", "§ 158(a)(3)"), ("u", "§ 158(A)(3)")],
     ["NLRA, 29 U.S.C.~§~158(a)(3) (2018).", "*Id.* §~158(A)(3)."]),
    # "5--6" is the same pinpoint as "5-6"
    ("@book{a, author={Smith, John}, title={T}, date={2001}}", [("a", "5--6"), ("a", "5-6")],
     ["John Smith, *T* 5–6 (2001).", "*Id.*"]),
    # R. 12.10: a session law's page pinpoint: "88 Stat. at 2070"; no date: no "()"
    ("@legislation{s, title={Trade Act of 1974}, number={93-618}, volume={88}, "
     "journaltitle={Stat.}, pages={1978}}\n@book{b, author={Doe, Jane}, title={B}, date={1}}",
     [("s", "2066"), ("b", ""), ("s", "2070")],
     ["Trade Act of 1974, Pub. L. No. 93-618, 88 Stat. 1978, 2066.", ...,
      "88 Stat. at 2070."]),
    # a statute cited as a whole is named in its short form
    ("@legislation{u, title={National Labor Relations Act}, volume={29}, journaltitle={U.S.C.},"
     " date={2018}}\n@book{b, author={Doe, Jane}, title={B}, date={1}}",
     [("u", ""), ("b", ""), ("u", "")], [..., ..., "National Labor Relations Act."]),
    # "cl. 3" and "l. 12" are not roman page numbers: no "at"
    ("@book{a, author={Smith, John}, title={T}, date={2001}}", [("a", "1"), ("a", "cl. 3")],
     [..., "*Id.* cl. 3."]),
    # a title's own spacing is not tidied away
    ("@book{a, author={Smith, John}, title={The .NET Way ( Draft )}, date={2001}}",
     [("a", "")], ["John Smith, *The .NET Way ( Draft )* (2001)."]),
    # T6 "Relations"
    ("@report{r, title={Annual Report}, institution={National Labor Relations Board}, "
     "number={12}, date={2020}}", [("r", "5")],
     ["Nat’l Lab. Rels. Bd., *Annual Report*, at 5, No. 12 (2020)."]),
    # a month that is not one prints the year alone
    ("@article{n, author={Doe, Jane}, title={Strike}, journaltitle={New York Times}, "
     "year={2020}, month={13}, pages={A1}}", [("n", "")],
     ["Jane Doe, *Strike*, N.Y. Times, 2020, at A1."]),
])
def test_attack_findings(tmp_path: Path, entry: str, pins: list, expected: list) -> None:
    got = bib_render(tmp_path, entry, *pins)
    for text, want in zip(got, expected, strict=True):
        if want is not ...:
            assert text == want


@pytest.mark.parametrize(("setting", "message"), [
    ("et_al_from: x", "'et_al_from' must be a whole number"),
    ("no_supra: 5", "'no_supra' must list entry types"),
    ("separator: 5", "'separator' must be text"),
    ("end: 5", "'end' must be text"),
    ("signals: [see]", "'signals' must map signals"),
    ("signals: {see: [5]}", "'signals' must map signals"),
    ("months: [Jan]", "'months' must list twelve month names"),
])
def test_style_settings_of_the_wrong_kind_are_located_errors(tmp_path: Path, setting: str,
                                                              message: str) -> None:
    root = library_with_style(tmp_path)
    (root / "styles" / "mine.yaml").write_text(
        f"types:\n  default:\n    full: '{{{{ title }}}}'\n{setting}\n", encoding="utf-8")
    with pytest.raises(DraftingError, match=rf"mine.yaml:4: {message}"):
        load_style("mine", root)


def test_latex_pylatexenc_cannot_read_is_kept_as_written(tmp_path: Path) -> None:
    got = bib_render(tmp_path, "@book{a, author={{Union \\href{x}}}, title={See \\href{x}}, "
                     "date={2001}}", ("a", ""))
    assert "href" in got[0]


README_ROWS = [
    ("Book (R. 15)", "rhode-1989", "56"), ("Book, edition (R. 15.4)", "wright-miller", "§ 1006"),
    ("Book, editor (R. 15.2)", "dickens", ""), ("Chapter (R. 15.5.1)", "deaux-major", "90"),
    ("Journal article (R. 16.4)", "compa-vogt-2001", "205"),
    ("Newspaper (R. 16.6)", "rosenthal", ""), ("Online news (R. 16.6)", "sorbello", ""),
    ("Report (R. 15.1(c))", "hrw-2016", "25"), ("Working paper (R. 17.2.3)", "wp", ""),
    ("Web page (R. 18.2.2)", "hrw-attack", ""), ("Case (R. 10)", "brown", "495"),
    ("Case, district court", "sdny", "1300"), ("Statute (R. 12)", "usc", "§ 2462(d)"),
    ("Public law (R. 12.4)", "trade-act", "§ 502"),
    ("Foreign statute (R. 20)", "kaz-tu", "art. 5"), ("Regulation (R. 14)", "cfr", "§ 1910.1200"),
    ("Federal Register (R. 14.2)", "fedreg", "32380"), ("Hearing (R. 13.3)", "hearing", ""),
    ("Treaty (R. 21.4)", "c087", "art. 3"), ("U.N. document (R. 21.7)", "cescr", "¶ 32"),
    ("ILO report (R. 21)", "ilo-cas", "198"), ("Interview (R. 17.2.5)", "interview", ""),
]


def test_the_readme_table_is_what_the_styles_print() -> None:
    """README's table of house / bluebook / ibid, one row per entry type, is current."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for label, key, pin in README_ROWS:
        cells = []
        for style in ("house", "bluebook", "ibid"):
            chosen = load_style(style, ROOT)
            resolved = resolve([Note((Citation((CiteItem(key, pin=pin),)),))], TYPES,
                               no_supra=chosen.no_supra)[0]
            text = ""
            for part in Formatter(chosen, SOURCES).note(resolved):
                piece = part.text.replace("\u00a0", " ").replace("|", "\\|")
                text += f"*{piece}*" if part.italic and piece.strip() else piece
            cells.append(text.replace("**", ""))
        assert f"| {label}: `{key}` | " + " | ".join(cells) + " |" in readme, key


def test_check_asks_for_what_a_subtype_prints(tmp_path: Path) -> None:
    """A session law without pages or date, a Fed. Reg. entry without pages: reported by
    check under the bluebook style, with the line of the entry."""
    from drafting.check import run_check
    from drafting.upkeep import init_library

    root = tmp_path / "lib"
    init_library(root)
    with (root / "sources.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@legislation{lmra, title = {Labor Management Relations Act},\n"
                  "  number = {80-101}, volume = {61}, journaltitle = {Stat.}}\n"
                  "@legislation{fr, title = {Rule}, volume = {86}, journaltitle = {Fed. Reg.},\n"
                  "  date = {2021-06-21}}\n")
    problems = [p for p in run_check(root) if p.rule == "missing-field"]
    messages = {p.message for p in problems}
    assert "@legislation{lmra} needs pages" in messages
    assert "@legislation{lmra} needs date or year" in messages
    assert "@legislation{fr} needs pages" in messages
    assert all(p.path.endswith("sources.bib") and p.line and p.line > 5 for p in problems)
