"""The command line: success output, and one clear line for every kind of bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SOURCES

from drafting.cli import cli
from drafting.wordread import read_footnotes

BODY = 9  # the first body line of a brief written by LibraryMaker.brief
BIB_END = SOURCES.count("\n")  # the last line of its sources.bib


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_build_writes_default_output(make_library) -> None:
    make_library.fact("x", "Something happened. [@grishin-2019, 5]")
    brief = make_library.brief('{{ fact("x") }}')
    result = run("build", brief)
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote .*build/test\.docx \(1 footnote, 1 fact\)", result.output)
    out = make_library.root / "build" / "test.docx"
    assert read_footnotes(out)[1][0].text.startswith("Andrei Grishin, Fergana News Agency")


def test_help_and_usage() -> None:
    assert run("--help").exit_code == 0
    assert "Build BRIEF" in run("build", "--help").output
    assert run("build").exit_code == 2
    assert run("nosuchcommand").exit_code == 2


def broken(make_library, case: str) -> tuple[Path, str]:
    """Write one broken library; return the brief and the error expected (a regex)."""
    lib = make_library
    good = lib.fact("good", "A sourced fact. [@grishin-2019]")
    if case == "unknown fact":
        return lib.brief(
            'Intro.\n\n{{ fact("gone") }}'
        ), rf"test\.md:{BODY + 2}: unknown fact 'gone'"
    if case == "misspelt fact":
        return lib.brief('{{ fact("goood") }}'), r"unknown fact 'goood' \(did you mean 'good'\?\)"
    if case == "unknown key in fact":
        lib.fact("bad", "Line one.\n\nLine two [@nokey, 5].")
        return (lib.brief('{{ fact("bad") }}'), r"bad\.md:8: unknown source key '@nokey'")
    if case == "unknown key in brief":
        return (
            lib.brief("Para one.\n\nPara two [@grishin-2091]."),
            rf"test\.md:{BODY + 2}: unknown source key '@grishin-2091' "
            r"\(did you mean 'grishin-2019'\?\)",
        )
    if case == "unknown signal":
        return lib.brief("Text [sea @grishin-2019]."), rf"test\.md:{BODY}: unknown signal 'sea'"
    if case == "unclosed citation":
        return lib.brief(
            "Text\n[@grishin-2019, 5 and more."
        ), rf"test\.md:{BODY + 1}: citation .* not closed"
    if case == "bad yaml":
        good.write_text("---\ntitle: [unclosed\ntags: x\n---\nBody.\n", encoding="utf-8")
        return lib.brief('{{ fact("good") }}'), r"good\.md:\d: front matter is not valid YAML"
    if case == "no front matter":
        good.write_text("Just text.\n", encoding="utf-8")
        return lib.brief('{{ fact("good") }}'), r"good\.md:1: no front matter"
    if case == "empty fact":
        good.write_text("---\ntitle: t\n---\n\n", encoding="utf-8")
        return lib.brief('{{ fact("good") }}'), r"good\.md:\d: the fact has no text"
    if case == "not utf-8":
        good.write_bytes("---\ntitle: t\n---\nCaf\u00e9\n".encode("latin-1"))
        return lib.brief('{{ fact("good") }}'), r"good\.md:4: not UTF-8 text"
    if case == "control character":
        good.write_text("---\ntitle: t\n---\nBell \x07 here.\n", encoding="utf-8")
        return lib.brief('{{ fact("good") }}'), r"good\.md:4: control character U\+0007"
    if case == "fact id with path":
        return lib.brief('{{ fact("../secrets") }}'), r"'\.\./secrets' is not a fact id"
    if case == "jinja syntax":
        return lib.brief("One.\n\n{{ fact('good') \n"), r"test\.md:\d+: Jinja syntax error"
    if case == "undefined variable":
        return lib.brief("For {{ witness }}."), rf"test\.md:{BODY}: 'witness' is undefined"
    if case == "missing template":
        return (
            lib.brief("x", front="template: nope\n"),
            r"unknown template 'nope'; templates: pre-hearing-brief",
        )
    if case == "no template named":
        return lib.brief("x", front="title: t\n"), r"names no 'template'"
    if case == "template not a zip":
        (lib.root / "templates" / "pre-hearing-brief.docx").write_text("not a zip")
        return lib.brief("Body."), r"pre-hearing-brief\.docx: template is not a Word \.docx"
    if case == "template truncated":
        path = lib.root / "templates" / "pre-hearing-brief.docx"
        path.write_bytes(path.read_bytes()[:3000])
        return lib.brief("Body."), r"pre-hearing-brief\.docx: template is"
    if case == "template field missing":
        return (
            lib.brief("Body.", front="template: pre-hearing-brief\ntitle: t\n"),
            r"test\.md:1: template pre-hearing-brief needs front-matter fields this brief "
            r"does not give: docket, petitioner\.name, filing_date",
        )
    if case == "bib unclosed brace":
        with (lib.root / "sources.bib").open("a", encoding="utf-8") as bib:
            bib.write("\n@misc{broken,\n  title = {never closed,\n}\n")
        return lib.brief("Body [@grishin-2019]."), r"sources\.bib:\d+: .*check its braces"
    if case == "bib duplicate key":
        with (lib.root / "sources.bib").open("a", encoding="utf-8") as bib:
            bib.write("\n@misc{usc-19,\n  title = {Again},\n}\n")
        return lib.brief("Body."), rf"sources\.bib:{BIB_END + 2}: duplicate key 'usc-19'"
    if case == "bib undefined string":
        with (lib.root / "sources.bib").open("a", encoding="utf-8") as bib:
            bib.write("\n@misc{strung,\n  publisher = ilo,\n}\n")
        return lib.brief(
            "Body."
        ), rf"sources\.bib:{BIB_END + 2}: .*uses @string 'ilo', which is not defined"
    if case == "unknown style":
        return (lib.brief("x", front="template: pre-hearing-brief\nstyle: fancy\n"),
                r"test\.md:1: unknown style 'fancy'")
    if case == "note in note":
        return lib.brief("Text.^[Outer ^[inner] note.]"), r"footnote inside a footnote"
    raise AssertionError(case)


CASES = [
    "unknown fact",
    "misspelt fact",
    "unknown key in fact",
    "unknown key in brief",
    "unknown signal",
    "unclosed citation",
    "bad yaml",
    "no front matter",
    "empty fact",
    "not utf-8",
    "control character",
    "fact id with path",
    "jinja syntax",
    "undefined variable",
    "missing template",
    "no template named",
    "template not a zip",
    "template truncated",
    "template field missing",
    "bib unclosed brace",
    "bib duplicate key",
    "bib undefined string",
    "unknown style",
    "note in note",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gives_one_clear_error(make_library, tmp_path: Path, case: str) -> None:
    brief, expected = broken(make_library, case)
    out = tmp_path / "out.docx"
    out.write_bytes(b"the previous build")
    result = run("build", brief, "-o", out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert re.search(expected, result.stderr), result.stderr
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())
    assert out.read_bytes() == b"the previous build"
    assert not list(tmp_path.glob(".*tmp"))


def test_output_folder_must_exist(make_library, tmp_path: Path) -> None:
    brief = make_library.brief("Body [@grishin-2019].")
    result = run("build", brief, "-o", tmp_path / "missing" / "out.docx")
    assert result.exit_code == 1
    assert "output folder does not exist" in result.stderr


def test_several_problems_are_reported_together(make_library) -> None:
    make_library.fact("a", "One [@nokey].")
    brief = make_library.brief('{{ fact("a") }}\n\n{{ fact("gone") }}\n\nText [@other].')
    result = run("build", brief)
    lines = result.stderr.splitlines()
    assert result.exit_code == 1 and len(lines) == 3, result.stderr
    assert any("a.md:6: unknown source key '@nokey'" in line for line in lines)
    assert any("unknown fact 'gone'" in line for line in lines)
    assert any(f"test.md:{BODY + 4}: unknown source key '@other'" in line for line in lines)


def test_several_briefs_build_and_a_bad_one_fails_alone(make_library) -> None:
    good = make_library.brief("Fine [@grishin-2019].", name="good")
    bad = make_library.brief("Broken [@nokey].", name="bad")
    result = run("build", good, bad)
    assert result.exit_code == 1
    assert "wrote" in result.stdout and "good.docx" in result.stdout
    assert "unknown source key '@nokey'" in result.stderr
    assert (make_library.root / "build" / "good.docx").exists()
    assert not (make_library.root / "build" / "bad.docx").exists()
    assert run("build", good, bad, "-o", "x.docx").exit_code == 2


def test_pdf_without_libreoffice_is_a_clear_error(make_library, tmp_path: Path) -> None:
    import subprocess
    import sys

    brief = make_library.brief("Body [@grishin-2019].")
    empty = tmp_path / "empty-path"
    empty.mkdir()
    done = subprocess.run([sys.executable, "-m", "drafting", "build", "--pdf", str(brief)],
                          capture_output=True, text=True, env={"PATH": str(empty)})
    assert done.returncode == 1
    assert "--pdf needs LibreOffice, which is not installed" in done.stderr
    assert "Traceback" not in done.stderr
    assert (make_library.root / "build" / "test.docx").exists()
    assert not (make_library.root / "build" / "test.pdf").exists()
