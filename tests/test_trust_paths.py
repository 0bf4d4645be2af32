"""Invariant 3: inputs are never overwritten and nothing outside the library is read.

``build -o`` onto any input is refused with nothing written; a source's ``file`` that
leads out of the library, is not a regular file, or is too large is refused for quote
checks (and facts that lead out of it for builds and search), by checks made on what
is actually opened, so a symlink or a device cannot slip through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def lib(make_library, monkeypatch: pytest.MonkeyPatch):
    make_library.fact("registered", 'The ministry said "no union may be registered here" in '
                      "2019. [@grishin-2019, 3]")
    make_library.brief('# I. Facts\n\n{{ fact("registered") }}')
    (make_library.root / "styles").mkdir()
    (make_library.root / "styles" / "mine.yaml").write_bytes(
        (ROOT / "drafting" / "styles" / "house.yaml").read_bytes())
    archive = make_library.root / "sources" / "archive"
    archive.mkdir(parents=True)
    (archive / "grishin.txt").write_text("He wrote: no union may be registered here.\n",
                                         encoding="utf-8")
    bib = make_library.root / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "url = {https://fergana.agency/articles/108990/},",
        "url = {https://fergana.agency/articles/108990/},\n"
        "  file = {sources/archive/grishin.txt},"),
        encoding="utf-8")
    (make_library.root / ".git").mkdir()
    (make_library.root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (make_library.root / ".git" / "config").write_text("[core]\n")
    monkeypatch.chdir(make_library.root)
    return make_library


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file() and ".drafting-cache" not in p.parts}


INPUTS = ["sources.bib", "snippets/registered.md", "briefs/test.md",
          "templates/pre-hearing-brief.docx", "styles/mine.yaml", "sources/archive/grishin.txt",
          "drafting.yaml", ".git/HEAD", ".git/config", ".git/new.docx", "snippets/new.docx",
          "templates/other.docx", "sources/archive/copy.docx", "briefs/test.docx",
          "styles/x.docx", ".drafting-cache/x.docx"]


@pytest.mark.parametrize("target", INPUTS)
def test_build_never_writes_onto_an_input(lib, target: str) -> None:
    before = snapshot(lib.root)
    result = run("build", "briefs/test.md", "-o", target)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {target}: ")
    assert "Traceback" not in result.output
    assert snapshot(lib.root) == before


def test_build_never_writes_through_a_symlink_to_an_input(lib) -> None:
    (lib.root / "build").mkdir()
    for target in ("../sources.bib", "../templates/pre-hearing-brief.docx",
                   "../snippets/registered.md"):
        link = lib.root / "build" / "out.docx"
        link.unlink(missing_ok=True)
        link.symlink_to(target)
        before = snapshot(lib.root)
        result = run("build", "briefs/test.md", "-o", "build/out.docx")
        assert result.exit_code == 1, result.output
        assert snapshot(lib.root) == before


def test_a_normal_output_still_works(lib, tmp_path: Path) -> None:
    assert run("build", "briefs/test.md", "-o", tmp_path / "elsewhere.docx").exit_code == 0
    (lib.root / "build").mkdir()
    assert run("build", "briefs/test.md", "-o", "build/fine.docx").exit_code == 0
    assert (lib.root / "build" / "fine.docx").is_file()


def set_file(lib, value: str) -> None:
    bib = lib.root / "sources.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("file = {sources/archive/grishin.txt}", f"file = {{{value}}}"),
                   encoding="utf-8")


def check_json(root: Path, timeout: float = 60) -> dict:
    """``drafting check --format json`` in a process of its own (a hang fails the test)."""
    done = subprocess.run([sys.executable, "-m", "drafting", "check", "--format", "json"],
                          cwd=root, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def rules(report: dict) -> set[str]:
    return {p["rule"] for p in report["problems"]}


def test_the_archive_is_checked_when_sound(lib) -> None:
    assert "quote-mismatch" not in rules(check_json(lib.root))
    (lib.root / "sources" / "archive" / "grishin.txt").write_text("Something else.\n")
    assert "quote-mismatch" in rules(check_json(lib.root))


@pytest.mark.parametrize("value", ["../outside.txt", "/etc/hostname", "/dev/zero",
                                   "sources/../../outside.txt", "Snapshot:/etc/hostname:text/html"])
def test_a_file_field_outside_the_library_is_refused(lib, value: str) -> None:
    (lib.root.parent / "outside.txt").write_text("no union may be registered here\n")
    set_file(lib, value)
    report = check_json(lib.root)
    problems = [p for p in report["problems"] if p["rule"] == "archive-unsafe"]
    assert problems and "outside the library" in problems[0]["message"]
    assert problems[0]["path"].endswith("sources.bib")
    assert "quote-mismatch" not in rules(report)  # the outside text was never read


@pytest.mark.parametrize("target", ["/etc/hostname", "/dev/zero", "../../../outside.txt"])
def test_a_symlink_leaving_the_library_is_refused(lib, target: str) -> None:
    (lib.root.parent / "outside.txt").write_text("no union may be registered here\n")
    link = lib.root / "sources" / "archive" / "grishin.txt"
    link.unlink()
    link.symlink_to(target)
    report = check_json(lib.root)
    assert "archive-unsafe" in rules(report)


def test_special_and_oversize_files_are_refused_without_hanging(lib) -> None:
    archive = lib.root / "sources" / "archive" / "grishin.txt"
    archive.unlink()
    os.mkfifo(archive)  # reading a FIFO with no writer would wait forever
    report = check_json(lib.root, timeout=30)
    assert any(p["rule"] == "archive-unsafe" and "not a regular file" in p["message"]
               for p in report["problems"])
    archive.unlink()
    with archive.open("wb") as big:  # sparse: 60 MB on paper, nothing on disk
        big.truncate(60 * 1024 * 1024)
    report = check_json(lib.root)
    assert any(p["rule"] == "archive-unsafe" and "larger than" in p["message"]
               for p in report["problems"])
    archive.unlink()
    (lib.root / "sources" / "archive" / "real").mkdir()
    archive.symlink_to("real")  # a folder inside the library
    assert "archive-unsafe" in rules(check_json(lib.root))


def test_a_fact_leading_out_of_the_library_is_refused_everywhere(lib) -> None:
    outside = lib.root.parent / "secret.md"
    outside.write_text("---\ntitle: secret\n---\nThe secret plan. [@grishin-2019, 3]\n")
    fact = lib.root / "snippets" / "registered.md"
    fact.unlink()
    fact.symlink_to(outside)
    result = run("build", "briefs/test.md")
    assert result.exit_code == 1
    assert "outside the library" in result.stderr
    report = check_json(lib.root)
    assert any("outside the library" in p["message"] for p in report["problems"])
    found = run("fact", "search", "secret")
    assert found.exit_code == 1 and "outside the library" in found.stderr
    assert "secret plan" not in found.output


@pytest.mark.parametrize("field,value", [("style", "../style.yaml"),
                                         ("template", "../t.docx"),
                                         ("bibliography", "../x.bib")])
def test_brief_paths_outside_the_library_are_refused(lib, field: str, value: str) -> None:
    import shutil

    shutil.copy(ROOT / "drafting" / "styles" / "house.yaml", lib.root.parent / "style.yaml")
    shutil.copy(ROOT / "templates" / "pre-hearing-brief.docx", lib.root.parent / "t.docx")
    shutil.copy(lib.root / "sources.bib", lib.root.parent / "x.bib")
    brief = lib.root / "briefs" / "test.md"
    text = brief.read_text(encoding="utf-8")
    if field == "template":
        text = text.replace("template: pre-hearing-brief", f"template: {value}")
    else:
        text = text.replace("---\n", f"---\n{field}: {value}\n", 1)
    brief.write_text(text, encoding="utf-8")
    result = run("build", "briefs/test.md")
    assert result.exit_code == 1, result.output
    assert "outside the library" in result.stderr
    assert result.stderr.startswith("error: briefs/test.md:")
    assert not (lib.root / "build" / "test.docx").exists()


def test_fact_show_refuses_a_fact_leading_out_of_the_library(lib) -> None:
    outside = lib.root.parent / "secret.md"
    outside.write_text("---\ntitle: SECRETTITLE\n---\nThe secret plan. [@grishin-2019, 3]\n")
    (lib.root / "snippets" / "evil.md").symlink_to(outside)
    result = run("fact", "show", "evil")
    assert result.exit_code == 1
    assert "outside the library" in result.stderr
    assert "SECRET" not in result.output
