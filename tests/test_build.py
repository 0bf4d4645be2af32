"""The main job end to end: build briefs and read the .docx back."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from drafting.build import build
from drafting.word import DOCUMENT, W_NS, Package, footnotes_root
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
W = f"{{{W_NS}}}"


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example library's brief, built once."""
    out = tmp_path_factory.mktemp("seed") / "kazakhstan-2020.docx"
    result = build(ROOT / "briefs" / "kazakhstan-2020.md", out)
    assert result.output == out and result.footnotes == 20
    return out


def texts(path: Path) -> list[str]:
    return [note.text for note in read_footnotes(path)[1]]


def test_seed_has_twenty_notes_numbered_in_reference_order(seed: Path) -> None:
    refs, notes = read_footnotes(seed)
    assert refs == list(range(1, 21))
    assert [n.id for n in notes] == refs


def test_seed_notes_three_and_ten_are_id(seed: Path) -> None:
    notes = read_footnotes(seed)[1]
    for number in (3, 10):
        assert notes[number - 1].text == "Id."
        assert notes[number - 1].italic == ("Id.",)
    assert sum(n.text.startswith("Id.") for n in notes) == 2


@pytest.mark.parametrize(
    ("number", "start"),
    [
        (
            1,
            "Report of the ILO Committee on the Application of Standards, Kazakhstan 198 (2019) "
            "available at https://www.ilo.org/wcmsp5/",
        ),
        (
            2,
            "European Parliament, Resolution on the human rights situation in Kazakhstan, "
            "2019/2610 RSP (March 14, 2019) available at http://www.europarl.europa.eu/",
        ),
        (4, "ITUC Global Rights Index (2019) available at"),
        (7, "ITUC General Council meeting notes (October 15-17, 2019) available at"),
        (8, "For examples, see Human Rights Watch, Kazakhstan UN Review (2019) available at"),
        (
            9,
            "Andrei Grishin, Fergana News Agency, A Country Under a Paragraph: Kazakhstan has "
            "Serious Trouble Related to Trade Unions (July 15, 2019) available at",
        ),
        (11, "See, e.g., Fergana News Agency, Will the authorities forbid their fake trade union"),
        (
            12,
            "International Trade Union Confederation, Observations to the ILO Committee of "
            "Experts on the Application of Conventions and Recommendations (September 1, 2019).",
        ),
        (
            14,
            "See, e.g., Radio Free Europe, Kazakh Oil-Industry Workers On Strike For Pay Raise "
            "(May 7, 2018) available at",
        ),
        (
            16,
            "Freedom of Association: Digest of Decisions and Principles of the Freedom of "
            "Association Committee of the Governing Body of the ILO, Geneva, International "
            "Labour Office, Fifth (revised) edition, 2006, 66-67, available at",
        ),
        (
            17,
            "Joint statement by the Kazakhstan International Bureau for Human Rights, "
            "International Legal Initiative and the social fund “Liberty” (July 31, 2019)",
        ),
        (
            20,
            "International Labor Organization, Follow-up to the conclusions of the Committee on "
            "the Application of Standards 105th Session (May–June 2016, published 2017)",
        ),
    ],
)
def test_seed_note_texts(seed: Path, number: int, start: str) -> None:
    assert texts(seed)[number - 1].startswith(start)


def test_seed_string_cite_and_parenthetical(seed: Path) -> None:
    notes = texts(seed)
    assert "; Paolo Sorbello, The Diplomat, Mass Brawl at Kazakh Oil Field" in notes[13]
    assert notes[15].endswith(
        "(“The detention of trade unionists on the grounds of trade union "
        "activities constitutes a serious obstacle to the exercise of trade "
        "union rights and an infringement of freedom of association. The "
        "arrest of trade unionists and leaders of employers’ organizations "
        "may create an atmosphere of intimidation and fear prejudicial to "
        "the normal development of trade union activities.”)."
    )
    assert all(n.endswith(".") for n in notes)


def test_seed_signals_and_available_at_are_italic(seed: Path) -> None:
    notes = read_footnotes(seed)[1]
    assert notes[10].italic[0] == "See, e.g."
    assert "available at" in notes[0].italic


def test_seed_headings_quotes_and_styles(seed: Path) -> None:
    document = docx.Document(str(seed))
    by_style: dict[str, list[str]] = {}
    for p in document.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert [t[:15] for t in by_style["Heading 1"]] == [
        "I. Introduction",
        "II. The legal f",
        "III. The GOK Ta",
        "IV. Conclusion",
    ]
    assert len(by_style["Heading 2"]) == 6
    quotes = by_style["Block Quote"]
    assert len(quotes) == 5
    assert quotes[0].startswith("“27. The Committee is concerned")
    assert "{{" not in "".join(p.text for p in document.paragraphs)


def test_seed_note_marks_follow_punctuation(seed: Path) -> None:
    body = docx.Document(str(seed)).element.body
    before = []
    for ref in body.iter(f"{W}footnoteReference"):
        run = ref.getparent()
        previous = run.getprevious()
        before.append("".join(previous.itertext()) if previous is not None else "")
    assert before[0].endswith("organizations.”")
    assert before[9].endswith("FPRK")  # mid-sentence, no space before the mark
    assert all(not text.endswith(" ") for text in before)


def test_seed_footnote_xml_structure(seed: Path) -> None:
    with zipfile.ZipFile(seed) as archive:
        notes = etree.fromstring(archive.read("word/footnotes.xml"))
        content_types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("word/_rels/footnotes.xml.rels").decode()
    assert "wordprocessingml.footnotes+xml" in content_types
    assert notes.nsmap.get("r") and notes.nsmap.get("w")
    kinds = [n.get(f"{W}type") for n in notes][:2]
    assert kinds == ["separator", "continuationSeparator"]
    first = notes[2]
    assert first.find(f".//{W}pStyle").get(f"{W}val") == "FootnoteText"
    assert first.find(f".//{W}footnoteRef") is not None
    assert "https://www.ilo.org/wcmsp5/" in rels  # links in notes have their relationships


def fact_order_library(make_library, order: list[str]) -> Path:
    make_library.fact("x", "The ILO regretted the lack of progress. [@ilo-cas-2019, 198]")
    make_library.fact("y", "Over 600 unions were denied registration. [@grishin-2019]")
    make_library.fact("z", "The ILO said so again. [@ilo-cas-2019, 199]")
    body = "\n\n".join(f'{{{{ fact("{f}") }}}}' for f in order)
    return make_library.brief(body)


def test_short_forms_follow_the_final_order(make_library, tmp_path: Path) -> None:
    brief = fact_order_library(make_library, ["x", "y", "z"])
    build(brief, tmp_path / "a.docx")
    assert (
        texts(tmp_path / "a.docx")[2] == "Report of the ILO Committee on the Application of "
        "Standards, Kazakhstan, supra note 1, at 199."
    )
    brief = fact_order_library(make_library, ["x", "z", "y"])
    build(brief, tmp_path / "b.docx")
    assert texts(tmp_path / "b.docx")[1] == "Id. at 199."


def test_template_footnotes_count(make_library, tmp_path: Path) -> None:
    template = make_library.root / "templates" / "pre-hearing-brief.docx"
    add_template_footnote(template, "Filed under protest.")
    make_library.fact("x", "One [@ilo-cas-2019]. Two [@grishin-2019]. Three [@ilo-cas-2019, 4].")
    out = tmp_path / "t.docx"
    result = build(make_library.brief('{{ fact("x") }}'), out)
    refs, notes = read_footnotes(out)
    assert refs == [1, 2, 3, 4] and [n.id for n in notes] == [1, 2, 3, 4]
    assert notes[0].text == "Filed under protest."
    assert notes[3].text.endswith("supra note 2, at 4.")
    assert result.footnotes == 3


def add_template_footnote(path: Path, text: str) -> None:
    """Give a template a static footnote in its caption (as a user would in Word)."""
    package = Package(path.read_bytes())
    _, root = footnotes_root(package)
    note = etree.SubElement(root, f"{W}footnote")
    note.set(f"{W}id", "7")
    p = etree.SubElement(note, f"{W}p")
    etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}footnoteRef")
    etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t").text = " " + text
    first = package.tree(DOCUMENT).find(f"{W}body").find(f"{W}p")
    run = etree.SubElement(first, f"{W}r")
    etree.SubElement(run, f"{W}footnoteReference").set(f"{W}id", "7")
    path.write_bytes(package.to_bytes())


def test_text_is_escaped_not_interpreted(make_library, tmp_path: Path) -> None:
    make_library.fact(
        "x",
        "Literal <w:t>tag</w:t> & {{ 7*7 }} and {% raw %} with "
        "Қазақстан, Казахстан, עברית and 🙂 [@ilo-cas-2019].",
    )
    out = tmp_path / "e.docx"
    brief = make_library.brief(
        '{{ fact("x") }}',
        front=(
            "template: pre-hearing-brief\ntitle: 'A <b>bold</b> & \"quoted\" title'\n"
            "docket: X\nfiling_date: 2020-01-17\npetitioner: {name: Union}\n"
        ),
    )
    build(brief, out)
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert (
        "Literal <w:t>tag</w:t> & {{ 7*7 }} and {% raw %} with Қазақстан, Казахстан, "
        "עברית and 🙂." in text
    )
    assert 'A <b>bold</b> & “quoted” title' in text  # curly quotes in front matter too


def test_example_library_builds_with_ibid_style(tmp_path: Path) -> None:
    out = tmp_path / "ibid.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", out, style="ibid")
    notes = texts(out)
    assert notes[2] == "Ibid." and notes[9] == "Ibid."
    assert notes[8].startswith("Grishin, Andrei, “A Country Under a Paragraph:")


def test_all_shipped_templates_build(make_library, tmp_path: Path) -> None:
    for template in sorted((ROOT / "templates").glob("*.docx")):
        shutil.copy(template, make_library.root / "templates")
        make_library.fact("x", "A fact. [@grishin-2019]")
        brief = make_library.brief(
            '{{ fact("x") }}',
            front=(
                f"template: {template.stem}\ntitle: T\nsubtitle: S\ndocket: D-1\n"
                "filing_date: 2020-01-17\nhearing_date: 2020-01-30\nwitness: W. Witness\n"
                "hearing_subject: a subject\n"
                "petitioner: {name: Union, short_name: U, address: Street 1, email: a@b.org}\n"
            ),
        )
        out = tmp_path / f"{template.stem}.docx"
        build(brief, out)
        document = docx.Document(str(out))
        text = "\n".join(p.text for p in document.paragraphs)
        assert "D-1" in text and "A fact." in text and "{{" not in text, template.name
        assert len(texts(out)) == 1
        footer = document.sections[0].footer._element
        assert any("PAGE" in (f.get(f"{W}instr") or "") for f in footer.iter(f"{W}fldSimple"))


def test_a_rebuild_from_the_cache_gives_the_same_document(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for part in ("snippets", "briefs", "templates", "sources"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "sources.bib", root)
    brief = root / "briefs" / "kazakhstan-2020.md"
    build(brief, tmp_path / "cold.docx")
    assert (root / ".drafting-cache" / "build.json").is_file()
    build(brief, tmp_path / "warm.docx")
    cold, warm = (docx.Document(str(tmp_path / n)) for n in ("cold.docx", "warm.docx"))
    assert [p.text for p in cold.paragraphs] == [p.text for p in warm.paragraphs]
    assert read_footnotes(tmp_path / "cold.docx") == read_footnotes(tmp_path / "warm.docx")
    # an edited fact is read again, not taken from the cache
    fact = root / "snippets" / "kazakhstan" / "ilo-cas-2019-regret.md"
    fact.write_text(fact.read_text(encoding="utf-8").replace("[@ilo-cas-2019, 198]",
                                                              "[@ilo-cas-2019, 199]"))
    build(brief, tmp_path / "edited.docx")
    assert texts(tmp_path / "edited.docx")[0].startswith(
        "Report of the ILO Committee on the Application of Standards, Kazakhstan 199 (2019)")


def test_house_style_rebuilds_the_reference_filings_notes(seed: Path) -> None:
    """Every footnote of the reference filing as filed (tests/data holds its 20 notes as
    the house style printed them before typography; only the invisible non-breaking
    spaces after ¶ and § and in "U.S.C. §" differ)."""
    expected = (ROOT / "tests" / "data" / "kazakhstan-2020-notes.txt").read_text(
        encoding="utf-8").splitlines()
    got = texts(seed)
    assert [t.replace("\u00a0", " ") for t in got] == expected
    assert "¶¶\u00a027-28" in got[4]


def test_typography_in_the_body(make_library, tmp_path: Path) -> None:
    """R. 5.3 ellipses, em dashes, § with a non-breaking space and ^th^ superscripts in
    the body, in a style that turns them on (bluebook); code stays as written."""
    make_library.fact("x", "He said, “to ... take” it -- under 19 U.S.C. § 2462 and "
                      "the 16^th^ session; `a--b`. [@ilo-cas-2019]")
    brief = make_library.brief('{{ fact("x") }}', front=(
        "template: pre-hearing-brief\nstyle: bluebook\ntitle: 'The \"GSP\" review'\n"
        "docket: X\nfiling_date: 2020-01-17\npetitioner: {name: Union}\n"))
    out = tmp_path / "t.docx"
    build(brief, out)
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "“to .\u00a0.\u00a0. take” it — under 19 U.S.C.\u00a0§\u00a02462 and the 16th" in text
    assert "`a--b`" not in text and "a--b" in text
    assert "The “GSP” review" in text
    runs = [r for p in document.paragraphs for r in p.runs if r.text == "th"]
    assert runs and runs[0].font.superscript
