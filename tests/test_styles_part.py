"""The template's styles part is read from a kept summary, and the .docx is the same.

What a template's styles part holds (its style ids, and whether it lacks the footnote
and link styles) is kept in the cache by the part's digest, so a build need not parse
it (Word's styles.xml is some 350 KB). Invariants: a build that uses the summary writes
the very bytes a build without any cache writes; a template lacking the styles gets
them either way; a damaged, planted or unsealed summary is not believed.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import rewrite_docx
from lxml import etree

from drafting.cli import cli

BRIEF = "briefs/kazakhstan-2020.md"
TEMPLATE = "templates/notice-and-pre-hearing-brief.docx"  # the one BRIEF names
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(*args: str) -> None:
    result = CliRunner().invoke(cli, ["build", BRIEF, *args])
    assert result.exit_code == 0, result.output


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def summaries(root: Path) -> list[Path]:
    return sorted((root / ".drafting-cache").rglob("*.styles.json"))


def style_ids(docx: Path) -> set[str]:
    root = etree.fromstring(parts(docx)["word/styles.xml"])
    return {s.get(f"{W}styleId") for s in root.iter(f"{W}style")}


def test_a_build_from_the_summary_writes_what_an_uncached_build_writes(example: Path) -> None:
    build("--no-cache", "-o", "uncached.docx")
    assert not summaries(example)
    build("-o", "first.docx")  # parses the styles part, keeps its summary
    assert len(summaries(example)) == 1
    build("-o", "second.docx")  # uses the summary
    uncached = parts(example / "uncached.docx")
    assert parts(example / "first.docx") == uncached == parts(example / "second.docx")
    with zipfile.ZipFile(example / TEMPLATE) as template:
        assert uncached["word/styles.xml"] == template.read("word/styles.xml")


def without_note_styles(files: dict[str, bytes]) -> None:
    root = etree.fromstring(files["word/styles.xml"])
    for style in list(root.iter(f"{W}style")):
        if style.get(f"{W}styleId") in ("FootnoteReference", "FootnoteText", "Hyperlink"):
            style.getparent().remove(style)
    files["word/styles.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_template_lacking_note_styles_gets_them_with_the_summary_too(example: Path) -> None:
    template = example / TEMPLATE
    rewrite_docx(template, template, without_note_styles)
    assert "FootnoteReference" not in style_ids(template)
    build("-o", "first.docx")
    build("-o", "second.docx")
    build("--no-cache", "-o", "uncached.docx")
    for name in ("first.docx", "second.docx", "uncached.docx"):
        assert {"FootnoteReference", "FootnoteText", "Hyperlink"} <= style_ids(example / name)
    assert parts(example / "first.docx") == parts(example / "second.docx") \
        == parts(example / "uncached.docx")


@pytest.mark.parametrize("planted", [
    b"garbage",
    b"",
    json.dumps({"present": ["FootnoteReference"], "ids": {}}).encode(),  # not sealed
])
def test_a_damaged_or_planted_summary_is_not_believed(example: Path, planted: bytes) -> None:
    template = example / TEMPLATE
    rewrite_docx(template, template, without_note_styles)
    build("--no-cache", "-o", "uncached.docx")
    build("-o", "first.docx")
    for summary in summaries(example):
        summary.write_bytes(planted)
    build("-o", "after.docx")
    assert parts(example / "after.docx") == parts(example / "uncached.docx")
    assert "FootnoteReference" in style_ids(example / "after.docx")


def test_a_built_docx_is_deflated_at_the_fast_level(example: Path, tmp_path: Path) -> None:
    """Level 1, as wordml.COMPRESS_LEVEL says (a ZipInfo of our own once kept zlib's
    default, 6, and three times the time)."""
    import zlib

    from drafting.wordml import COMPRESS_LEVEL

    out = tmp_path / "k.docx"
    build("-o", str(out))
    with zipfile.ZipFile(out) as archive:
        for name in ("word/document.xml", "word/styles.xml", "word/footnotes.xml"):
            info = archive.getinfo(name)
            packer = zlib.compressobj(COMPRESS_LEVEL, zlib.DEFLATED, -15)
            expected = packer.compress(archive.read(name)) + packer.flush()
            assert info.compress_size == len(expected), name
