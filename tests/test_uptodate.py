"""`drafting build` skips a build whose output is still exactly what it would write
(drafting/uptodate.py), and never when anything it read, or the output, changed."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import copy_example

BRIEF = "briefs/kazakhstan-2020.md"
FACT = "snippets/kazakhstan/arrests-intimidation-digest.md"


def build(root: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "drafting", "build", BRIEF, *args], cwd=root,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def keeping_stat(path: Path, old: bytes, new: bytes) -> None:
    info = path.stat()
    path.write_bytes(path.read_bytes().replace(old, new, 1))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size


def notes(root: Path) -> bytes:
    return zipfile.ZipFile(root / "build" / "kazakhstan-2020.docx").read("word/footnotes.xml")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "lib")
    assert build(root).startswith("wrote ")
    return root


def test_an_unchanged_build_is_skipped_and_the_file_left_alone(library: Path) -> None:
    out = library / "build" / "kazakhstan-2020.docx"
    before = (out.read_bytes(), out.stat().st_mtime_ns)
    said = build(library)
    assert said.startswith("up to date: build/kazakhstan-2020.docx (20 footnotes, 16 facts)")
    assert (out.read_bytes(), out.stat().st_mtime_ns) == before


def test_an_edit_keeping_size_and_mtime_is_built(library: Path) -> None:
    keeping_stat(library / FACT, b"This persecution", b"THIS persecution")
    assert build(library).startswith("wrote ")
    assert b"THIS persecution" not in notes(library)  # the body changed, not the notes
    document = zipfile.ZipFile(library / "build" / "kazakhstan-2020.docx").read(
        "word/document.xml")
    assert b"THIS persecution" in document


def test_a_changed_source_style_or_template_is_built(library: Path) -> None:
    keeping_stat(library / "sources.bib", b"Kazakhstan", b"KAZAKHSTAN")
    assert build(library).startswith("wrote ")
    assert build(library).startswith("up to date")
    assert build(library, "--style", "bluebook").startswith("wrote ")
    assert build(library, "--style", "bluebook").startswith("up to date")
    assert build(library).startswith("wrote ")  # back to the brief's own style


def test_an_output_edited_or_deleted_is_built_again(library: Path) -> None:
    out = library / "build" / "kazakhstan-2020.docx"
    good = out.read_bytes()
    data = bytearray(good)
    data[-30] ^= 1  # the user's change, same size
    out.write_bytes(bytes(data))
    assert build(library).startswith("wrote ") and out.read_bytes() == good
    out.unlink()
    assert build(library).startswith("wrote ") and out.read_bytes() == good


def test_another_output_no_cache_and_changes_always_build(library: Path) -> None:
    assert build(library, "-o", "other.docx").startswith("wrote ")
    assert build(library, "-o", "other.docx").startswith("up to date")
    assert build(library, "--no-cache").startswith("wrote ")
    assert build(library, "--changes").startswith("wrote ")


def test_a_second_file_for_a_used_fact_is_built(library: Path) -> None:
    """A copy of a fact in another folder makes the id ambiguous: the build must fail,
    not be called up to date."""
    (library / "snippets" / "other").mkdir()
    (library / "snippets" / "other" / "ep-2019-resolution.md").write_bytes(
        (library / "snippets" / "kazakhstan" / "ep-2019-resolution.md").read_bytes())
    done = subprocess.run([sys.executable, "-m", "drafting", "build", BRIEF], cwd=library,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "used by several files" in done.stderr


def test_a_fact_link_pointed_elsewhere_is_built(library: Path) -> None:
    """A fact that is a link: pointing it at another file changes the build (the link
    is recorded as named, not only where it led)."""
    fact = library / FACT
    (library / "alt").mkdir()
    (library / "alt" / "a.md").write_bytes(fact.read_bytes().replace(b"This persecution",
                                                                     b"FIRST persecution"))
    (library / "alt" / "b.md").write_bytes(fact.read_bytes().replace(b"This persecution",
                                                                     b"LINKED persecution"))
    fact.unlink()
    fact.symlink_to(library / "alt" / "a.md")
    assert build(library).startswith("wrote ")  # recorded while the link is there
    fact.unlink()
    fact.symlink_to(library / "alt" / "b.md")
    assert build(library).startswith("wrote ")
    document = zipfile.ZipFile(library / "build" / "kazakhstan-2020.docx").read(
        "word/document.xml")
    assert b"LINKED persecution" in document
