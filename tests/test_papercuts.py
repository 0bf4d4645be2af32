"""The small things a new user trips over (issue 14's papercuts), one test each."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli


def run(*args: str, color: bool = False) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], color=color)


@pytest.fixture
def library(make_library, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(make_library.root)
    return make_library


def test_counts_agree_with_their_nouns(library, tmp_path: Path) -> None:
    library.fact("x", "Something happened. [@grishin-2019, 5]")
    brief = library.brief('{{ fact("x") }}')
    assert "(1 footnote, 1 fact)" in run("build", brief, "-o", tmp_path / "o.docx").output
    one = library.fact("lonely", "Alone. [@grishin-2019, 6]")  # used by no brief
    assert one.exists()
    renamed = run("fact", "rename", "lonely", "alone")
    assert "renamed lonely to alone; 0 other files changed" in renamed.output
    used = run("fact", "rename", "x", "y")
    assert "renamed x to y; 1 other file changed: briefs/test.md" in used.output


def test_init_here_does_not_say_cd_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    monkeypatch.chdir(folder)
    result = run("init", ".")
    assert result.exit_code == 0
    assert "cd ." not in result.output
    assert "  drafting check && drafting build briefs/example.md" in result.output


def test_help_gives_each_command_its_whole_first_sentence() -> None:
    text = " ".join(run("--help").output.split())
    assert "import Turn a Word filing into a brief, facts and sources, its footnotes into " \
        "citations." in text
    assert "..." not in text.replace("[ARGS]...", "")  # no description cut short


def test_severities_are_coloured_on_a_terminal_only(library) -> None:
    library.fact("x", "In 2019, 42 percent of unions closed.")
    coloured = run("check", color=True).output
    assert "\x1b[31m\x1b[1merror\x1b[0m" in coloured or "\x1b[1m\x1b[31merror" in coloured
    plain = run("check").output
    assert "\x1b[" not in plain and ": error: " in plain


def test_a_broken_citation_does_not_make_its_source_unused(library) -> None:
    library.fact("x", "A claim. [see @grishin-2019, 3")
    output = run("check").output
    assert "citation '[see @grishin-2019, 3' is not closed" in output
    assert "'grishin-2019' is not cited" not in output
    assert "x.md:6:10: error: citation" in output  # its column, not 1


def test_a_suggestion_reads_as_one_sentence(library) -> None:
    library.fact("x", "A claim. [@grishn-2019, 3]")
    output = run("check").output
    assert "unknown source key '@grishn-2019' (did you mean 'grishin-2019'?); add it to " \
        "sources.bib" in output


def test_fact_new_defaults_and_used_by_after_a_rename(library, tmp_path: Path) -> None:
    """A new fact's title is its first words and its as_of the cited source's date; and
    after a rename, used-by still knows the notes of the last build."""
    made = run("fact", "new", "strike-2019", "--cite", "grishin-2019, 4", "--text",
               "Oil workers struck in Zhanaozen in 2019. Many were detained.")
    assert made.exit_code == 0, made.output
    text = (library.root / "snippets" / "strike-2019.md").read_text(encoding="utf-8")
    assert "title: Oil workers struck in Zhanaozen in 2019\n" in text
    assert "as_of: 2019-07-15\n" in text  # grishin-2019's date
    brief = library.brief('{{ fact("strike-2019") }}')
    assert run("build", brief, "-o", tmp_path / "o.docx").exit_code == 0
    assert run("fact", "rename", "strike-2019", "zhanaozen-2019").exit_code == 0
    used = run("fact", "used-by", "zhanaozen-2019").output
    assert "note 1" in used and "no footnote" not in used
