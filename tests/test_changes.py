"""``build --changes``: notes aligned by content, moves and short-form changes said."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drafting.cli import cli
from drafting.record import NoteRecord, changes


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_a_paragraph_swap_is_reported_as_moves(make_library, tmp_path: Path) -> None:
    """Swapping two paragraphs: the note that kept its text is said to have moved, and
    the one whose short form changed shows the change, not two identical strings."""
    make_library.fact("a", "First claim. [@grishin-2019, 205]")
    make_library.fact("b", "Second claim. [@ilo-cas-2019, 3]")
    make_library.fact("c", "Third claim. [@grishin-2019, 215]")
    brief = make_library.brief('{{ fact("a") }}\n\n{{ fact("b") }}\n\n{{ fact("c") }}')
    assert run("build", brief, "-o", tmp_path / "1.docx").exit_code == 0
    brief.write_text(brief.read_text().replace('{{ fact("b") }}\n\n{{ fact("c") }}',
                                               '{{ fact("c") }}\n\n{{ fact("b") }}'))
    result = run("build", brief, "-o", tmp_path / "2.docx", "--changes")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()[1:]]
    assert "note 2 (was note 3): text changed: “Grishin, supra note 1, at 215.” → " \
        "“Id. at 215.”" in lines
    assert "note 3: moved (was note 2), same text" in lines
    assert not any("new:" in line or "removed:" in line for line in lines)


def test_a_change_deep_in_a_long_note_is_shown() -> None:
    text = ("Human Rights Watch, Kazakhstan: Attack on Trade Union Leaders (November 12, "
            "2018) available at https://www.hrw.org/news/2018/11/12/kazakhstan-attack, at 205.")
    found = changes([NoteRecord(6, text, ["h"], "")],
                    [NoteRecord(6, text.replace("at 205", "at 215"), ["h"], "")])
    assert found == ["note 6: text changed: “… available at "
                     "https://www.hrw.org/news/2018/11/12/kazakhstan-attack, at [205. → 215.]”"]


def test_a_reordered_quote_gets_its_closest_passage() -> None:
    """Words in another order (or a few changed) are not "nothing like it": the
    passage is found and the difference named."""
    from drafting.quotes import find_in

    archive = "Labour was forced in every region where cotton is grown in the country."
    verdict = find_in("every region of the country where cotton is grown", archive)
    assert not verdict.found and verdict.score >= 90
    assert verdict.closest == "every region where cotton is grown in the country."
    assert verdict.difference == ('the quote has "every region of the country where" where '
                                  'the source has "every region where"')
    same = find_in("is grown cotton where", "Only where cotton is grown, the men work.")
    assert same.difference == "the same words in another order"
    assert not find_in("nothing of the kind appears", archive).closest
