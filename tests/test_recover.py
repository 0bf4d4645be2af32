"""Recovering citations from footnotes someone else wrote (drafting/recover.py): tables
of footnote text → authorities, and short forms resolved on the order of the notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.build import build
from drafting.recover import recover, recover_note, resolve_short_forms, split_citations
from drafting.wordread import read_document

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("note", "parts"), [
    ("A; B.", ["A", "B."]),
    ("See A (quoting “x; y”); see also B", ["See A (quoting “x; y”)", "see also B"]),
    ("A [hereinafter A; B]", ["A [hereinafter A; B]"]),
    ("One authority.", ["One authority."]),
])
def test_split_citations(note: str, parts: list[str]) -> None:
    assert split_citations(note) == parts


@pytest.mark.parametrize(("citation", "fields"), [
    # the house style's full form: Author, Title pin (Date) available at URL
    ("Report of the ILO Committee, Kazakhstan 198 (2019) available at https://ilo.org/a.pdf.",
     dict(text="Report of the ILO Committee, Kazakhstan", pin="198", date="2019",
          url="https://ilo.org/a.pdf", form="full")),
    # the Bluebook's: a comma before the URL, ¶ pinpoints
    ("CESCR, Concluding Observations, ¶¶ 27-28 (Mar. 29, 2019), https://undocs.org/x.",
     dict(text="CESCR, Concluding Observations", pin="¶¶ 27-28", date="Mar. 29, 2019",
          url="https://undocs.org/x")),
    # signals
    ("See, e.g., Fergana News Agency, Will They? (2018)",
     dict(signal="see, e.g.", date="2018", text="Fergana News Agency, Will They?")),
    ("See also B (2001)", dict(signal="see also", text="B")),
    ("Cf. C (2001)", dict(signal="cf.", text="C")),
    # a parenthetical after the citation
    ("Digest (2006) (“The detention of trade unionists ...”)",
     dict(text="Digest", date="2006", parenthetical="“The detention of trade unionists ...”")),
    ("A (2001) (quoting B)", dict(parenthetical="quoting B")),
    # short forms
    ("Id.", dict(form="id", pin="")),
    ("Id. at 5.", dict(form="id", pin="5")),
    ("See id. ¶ 28", dict(form="id", pin="¶ 28", signal="see")),
    ("Ibid., 24.", dict(form="id", pin="24")),
    ("Grishin, supra note 9, at 3.", dict(form="supra", text="Grishin", supra_note=9, pin="3")),
    ("HRW Report, supra note 1", dict(form="supra", text="HRW Report", supra_note=1)),
    # a short form with its pinpoint (a hereinafter name, a case)
    ("HRW Report at 4.", dict(text="HRW Report", pin="4")),
    ("Brown, 347 U.S. at 495.", dict(text="Brown, 347 U.S.", pin="495")),
    # a hereinafter name defined by a full citation
    ("Human Rights Watch, We Are Not the Enemy (2016) [hereinafter HRW Report].",
     dict(text="Human Rights Watch, We Are Not the Enemy", hereinafter="HRW Report",
          date="2016")),
    # free text before the citation
    ("For examples, see Human Rights Watch, Kazakhstan UN Review (2019).",
     dict(lead="For examples, ", signal="see", text="Human Rights Watch, Kazakhstan UN Review")),
])
def test_recover(citation: str, fields: dict) -> None:
    got = recover(citation)
    for name, value in fields.items():
        assert getattr(got, name) == value, name


def authorities(notes: list[str]) -> tuple[list[list[str]], list[str]]:
    resolved, problems = resolve_short_forms([recover_note(n) for n in notes])
    return [[item.authority for item in note] for note in resolved], problems


@pytest.mark.parametrize(("notes", "expected"), [
    (["A (2001).", "Id. at 5.", "B (2002).", "A, supra note 1, at 7.", "Id."],
     [["A"], ["A"], ["B"], ["A"], ["A"]]),
    # Id. inside a string cite refers to the citation just before it
    (["A (2001); id. at 4."], [["A", "A"]]),
    # a hereinafter name, in a supra and on its own
    (["A Long Title (2001) [hereinafter Short]; B (2002).", "Short, supra note 1, at 3.",
      "Short at 4."], [["A Long Title", "B"], ["A Long Title"], ["A Long Title"]]),
    # supra names one of several authorities of its note by author
    (["Grishin, A Country (2019); Human Rights Watch, Attack (2018).", "C (2020).",
      "Human Rights Watch, supra note 1."], [["Grishin, A Country",
                                             "Human Rights Watch, Attack"], ["C"],
                                            ["Human Rights Watch, Attack"]]),
])
def test_short_forms_resolve_to_their_authority(notes: list[str], expected: list) -> None:
    got, problems = authorities(notes)
    assert problems == []
    assert got == expected


@pytest.mark.parametrize(("notes", "problem"), [
    (["A (2001); B (2002).", "Id."], "note 2: 'Id.' follows no single authority"),
    (["Id. at 3."], "note 1: 'Id.' follows no single authority"),
    (["A (2001).", "Nobody, supra note 7."], "note 2: 'Nobody, supra note 7' names no"),
])
def test_short_forms_that_point_at_nothing_are_reported(notes: list[str], problem: str) -> None:
    _, problems = authorities(notes)
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize("style", ["house", "bluebook", "ibid"])
def test_a_built_brief_recovers_its_authorities(style: str, tmp_path: Path) -> None:
    """The example's 20 notes, built in each style, give back one authority per citation,
    with Id. (and Ibid.) resolved to the authority cited just before (notes 3 and 10)."""
    out = tmp_path / "brief.docx"
    build(ROOT / "briefs" / "kazakhstan-2020.md", out, style=style)
    document = read_document(out)
    notes = [recover_note(document.note_text(n)) for n in document.note_order()]
    resolved, problems = resolve_short_forms(notes)
    assert problems == []
    assert [len(n) for n in resolved] == [1] * 13 + [2] + [1] * 6
    assert resolved[2][0].form == "id" and resolved[2][0].authority == resolved[1][0].text
    assert resolved[9][0].form == "id" and resolved[9][0].authority == resolved[8][0].text
    if style != "ibid":  # the ibid style prints the pinpoint after the date
        assert resolved[0][0].pin == "198"
    assert all(item.authority for note in resolved for item in note)
