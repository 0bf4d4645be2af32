"""Invariant 1: a cache can only make drafting faster, never different.

For any sequence of edits to any input (facts, the brief, sources.bib and a
bibliography named by the brief, archived copies, a style and a template named by
path, drafting.yaml), a cached ``build`` and ``check`` give exactly what ``--no-cache``
gives, also when an edit keeps the file's size and modification time.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.build import build
from drafting.check import run_check

ROOT = Path(__file__).resolve().parent.parent

SOURCES = """\
@online{grishin-2019,
  author = {Grishin, Andrei},
  title = {A Country Under a Paragraph},
  organization = {Fergana News Agency},
  date = {2019-07-15},
  url = {https://fergana.agency/articles/108990/},
}
@report{arch,
  author = {{Human Rights Watch}},
  title = {Cotton Harvest Report},
  institution = {Human Rights Watch},
  date = {2019-03},
  url = {https://www.hrw.org/cotton},
  file = {sources/archive/arch.txt},
}
"""

BRIEF = """\
---
template: extra/tpl.docx
style: extra/style.yaml
bibliography: extra/refs.bib
title: Test Review
docket: USTR-0000
filing_date: 2020-01-17
petitioner:
  name: Test Union
---
# I. Facts

{{ fact("a") }}

{{ fact("b") }}

The brief was filed on {{ filing_date }}. [@grishin-2019, 4]
"""

FACT_A = """\
---
title: Cotton
tags: [cotton]
as_of: 2019-06-01
---
The report found forced labour in "every region where cotton is grown in the country"
in 2019. [@arch, 3]
"""

FACT_B = """\
---
title: Registration
tags: [unions]
as_of: 2019-06-01
---
Over 600 unions were refused registration. [@grishin-2019, 3]
"""


def make_library(root: Path) -> None:
    """A library whose brief reads a style, a template and a bibliography by path."""
    for folder in ("snippets", "briefs", "templates", "extra", "sources/archive"):
        (root / folder).mkdir(parents=True)
    shutil.copy(ROOT / "templates" / "pre-hearing-brief.docx", root / "templates")
    shutil.copy(ROOT / "templates" / "pre-hearing-brief.docx", root / "extra" / "tpl.docx")
    shutil.copy(ROOT / "drafting" / "styles" / "house.yaml", root / "extra" / "style.yaml")
    (root / "sources.bib").write_text(SOURCES, encoding="utf-8")
    (root / "extra" / "refs.bib").write_text(SOURCES, encoding="utf-8")
    (root / "sources" / "archive" / "arch.txt").write_text(
        "Monitors found forced labour in every region where cotton is grown in the country "
        "during the 2019 harvest.\n", encoding="utf-8")
    (root / "snippets" / "a.md").write_text(FACT_A, encoding="utf-8")
    (root / "snippets" / "b.md").write_text(FACT_B, encoding="utf-8")
    (root / "briefs" / "brief.md").write_text(BRIEF, encoding="utf-8")
    (root / "drafting.yaml").write_text("check:\n  today: 2020-06-01\n", encoding="utf-8")


def keeping_stat(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Rewrite a file and put its modification time back (size too, when ``change``
    keeps the length): the edit a size+mtime cache cannot see."""
    info = path.stat()
    path.write_bytes(change(path.read_bytes()))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))


def toggle(a: bytes, b: bytes) -> Callable[[bytes], bytes]:
    """Swap the first ``a`` for ``b``, or back."""
    return lambda data: data.replace(a, b, 1) if a in data else data.replace(b, a, 1)


def swap_template(data: bytes) -> bytes:
    """The template with its 'Filed by the' line changed (in place, same length)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "word/document.xml":
                part = toggle(b"Filed by the", b"FILED BY THE")(part)
            target.writestr(item, part)
    return out.getvalue()


def flip_byte(data: bytes) -> bytes:
    """One byte a third of the way in changed: a damaged .docx of the same size, which
    only a check of its content can see."""
    at = len(data) // 3
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


def damage_template(root: Path) -> None:
    """Damage the template (its sound bytes kept beside the library), or repair it."""
    path, sound = root / "extra" / "tpl.docx", root.parent / f"{root.name}.tpl.sound"
    if sound.exists():
        keeping_stat(path, lambda _: sound.read_bytes())
        sound.unlink()
    else:
        sound.write_bytes(path.read_bytes())
        keeping_stat(path, flip_byte)


def edit_template(root: Path) -> None:
    """The template's text changed (in place, same length); a damaged one stays damaged."""
    path, sound = root / "extra" / "tpl.docx", root.parent / f"{root.name}.tpl.sound"
    if sound.exists():
        sound.write_bytes(swap_template(sound.read_bytes()))
        keeping_stat(path, lambda _: flip_byte(sound.read_bytes()))
    else:
        keeping_stat(path, swap_template)


def move_fact(root: Path) -> None:
    """Move fact a between snippets/ and snippets/sub/ (same id, another file)."""
    here, there = root / "snippets" / "a.md", root / "snippets" / "sub" / "a.md"
    source, target = (here, there) if here.exists() else (there, here)
    target.parent.mkdir(exist_ok=True)
    source.rename(target)


def fact_a(root: Path) -> Path:
    return next((root / "snippets").rglob("a.md"))


EDITS: dict[str, Callable[[Path], None]] = {
    "fact text": lambda r: keeping_stat(fact_a(r), toggle(b"forced", b"FORCED")),
    "fact quote": lambda r: keeping_stat(fact_a(r), toggle(b"cotton is", b"cotton IS")),
    "fact citation": lambda r: keeping_stat(r / "snippets" / "b.md", toggle(b", 3]", b", 9]")),
    "date type": lambda r: keeping_stat(r / "briefs" / "brief.md",
                                        toggle(b"filing_date: 2020-01-17",
                                               b'filing_date: "2020-01-17"')),
    "keyword call": lambda r: keeping_stat(r / "briefs" / "brief.md",
                                           toggle(b'fact("b")', b'fact(fact_id="b")')),
    "built-in style": lambda r: keeping_stat(r / "briefs" / "brief.md",
                                             toggle(b"style: extra/style.yaml",
                                                    b"style: ibid")),
    "archive": lambda r: keeping_stat(r / "sources" / "archive" / "arch.txt",
                                      toggle(b"is grown", b"iz grown")),
    "bibliography": lambda r: keeping_stat(r / "extra" / "refs.bib",
                                           toggle(b"Paragraph", b"Paragrapx")),
    "sources.bib": lambda r: keeping_stat(r / "sources.bib", toggle(b"arch.txt}", b"arch.txx}")),
    "style": lambda r: keeping_stat(r / "extra" / "style.yaml", toggle(b"'Id.'", b"'Ib.'")),
    "template": edit_template,
    "template damaged": damage_template,
    "drafting.yaml": lambda r: keeping_stat(r / "drafting.yaml",
                                            toggle(b"2020-06-01", b"2030-06-01")),
    "move fact": move_fact,
    # Edits that move the paragraphs after them (the parse is kept per paragraph):
    "fact paragraph": lambda r: keeping_stat(fact_a(r), toggle(b"---\nThe report",
                                                               b"---\nA new first.\n\nThe report")),
    "brief paragraphs swapped": lambda r: keeping_stat(
        r / "briefs" / "brief.md", toggle(b'{{ fact("a") }}\n\n{{ fact("b") }}',
                                          b'{{ fact("b") }}\n\n{{ fact("a") }}')),
    "broken citation below": lambda r: keeping_stat(
        r / "briefs" / "brief.md", toggle(b"[@grishin-2019, 4]", b"[@grishin-2019, 4")),
}


def built_parts(root: Path, use_cache: bool) -> dict[str, bytes] | str:
    """The document and footnotes parts a build writes, or its error."""
    out = root / "build" / f"{'cached' if use_cache else 'cold'}.docx"
    out.parent.mkdir(exist_ok=True)
    from drafting.errors import DraftingError

    try:
        build(root / "briefs" / "brief.md", out, use_cache=use_cache)
    except DraftingError as err:
        return str(err)
    with zipfile.ZipFile(out) as docx:
        return {name: docx.read(name) for name in ("word/document.xml", "word/footnotes.xml")}


def checked(root: Path, use_cache: bool) -> list:
    return [str(p) for p in run_check(root, use_cache=use_cache)]


def remembered_check(root: Path) -> list:
    """What `drafting check` prints: a remembered answer when the library is the same."""
    from drafting.verdict import checked as cli_checked

    return [str(p) for p in cli_checked(root, (), None, use_cache=True, changed=None)]


def assert_cache_changes_nothing(root: Path) -> None:
    cached, cold = built_parts(root, True), built_parts(root, False)
    assert cached == cold
    assert checked(root, True) == checked(root, False) == remembered_check(root)
    assert remembered_check(root) == checked(root, False)  # now from the kept answer


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=6))
def test_cached_build_and_check_equal_uncached_whatever_the_edits(edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "lib"
        make_library(root)
        assert_cache_changes_nothing(root)  # fills the cache
        for name in edits:
            EDITS[name](root)
            assert_cache_changes_nothing(root)


def test_every_edit_changes_what_it_should(tmp_path: Path) -> None:
    """Each edit (on a fresh library) is seen: the output (build or check) changes."""
    for name, edit in EDITS.items():
        root = tmp_path / name.replace(" ", "-")
        make_library(root)
        before = (built_parts(root, True), checked(root, True))
        edit(root)
        after = (built_parts(root, True), checked(root, True))
        if name not in ("move fact", "keyword call"):  # same text, written another way
            assert after != before, name
        assert after == (built_parts(root, False), checked(root, False)), name


def test_keyword_fact_call_follows_the_fact(tmp_path: Path) -> None:
    """The repro: ``fact(fact_id="b")`` kept the old text after the fact was edited."""
    root = tmp_path / "lib"
    make_library(root)
    EDITS["keyword call"](root)
    first = built_parts(root, True)
    keeping_stat(root / "snippets" / "b.md", toggle(b"600", b"700"))
    second = built_parts(root, True)
    assert b"700 unions" in second["word/document.xml"]
    assert first != second


def test_date_and_string_render_apart(tmp_path: Path) -> None:
    """The repro: a date changed to the same text in quotes kept the date's rendering."""
    root = tmp_path / "lib"
    make_library(root)
    as_date = built_parts(root, True)["word/document.xml"]
    EDITS["date type"](root)
    as_text = built_parts(root, True)["word/document.xml"]
    assert b"January 17, 2020" in as_date
    assert b"January 17, 2020" not in as_text and b"2020-01-17" in as_text


def test_same_size_archive_edit_is_seen_by_check(tmp_path: Path) -> None:
    """The repro: an archive edited to the same length, mtime restored, left check green."""
    root = tmp_path / "lib"
    make_library(root)
    assert not [p for p in run_check(root) if p.rule == "quote-mismatch"]
    keeping_stat(root / "sources" / "archive" / "arch.txt", toggle(b"grown", b"grOWN"))
    keeping_stat(root / "sources" / "archive" / "arch.txt", toggle(b"cotton", b"cottom"))
    assert [p for p in run_check(root) if p.rule == "quote-mismatch"]


def test_fact_used_by_and_rename_see_keyword_calls(tmp_path: Path) -> None:
    from drafting.catalog import used_by
    from drafting.upkeep import rename_fact

    root = tmp_path / "lib"
    make_library(root)
    EDITS["keyword call"](root)
    assert [u.line for u in used_by(root, "b")] == [15]
    rename_fact(root, "b", "registration")
    brief = (root / "briefs" / "brief.md").read_text(encoding="utf-8")
    assert 'fact(fact_id="registration")' in brief
    assert isinstance(built_parts(root, True), dict)


def test_a_new_file_that_a_lookup_would_now_find_is_seen(tmp_path: Path) -> None:
    """A template appearing at a path the build looked at first (and found missing)."""
    root = tmp_path / "lib"
    make_library(root)
    brief = root / "briefs" / "brief.md"
    brief.write_text(BRIEF.replace("template: extra/tpl.docx", "template: pre-hearing-brief"),
                     encoding="utf-8")
    assert checked(root, True) == checked(root, False)
    (root / "templates" / "pre-hearing-brief.docx").write_bytes(b"not a zip")
    assert checked(root, True) == checked(root, False)
    assert any("brief-build" in p or "template" in p for p in checked(root, True))
    assert re.search("not a Word .docx", str(built_parts(root, True)))


def test_a_quote_verdict_follows_the_archives_kind(tmp_path: Path) -> None:
    """The same bytes read as text and as HTML differ (HTML drops <script>): a cached
    verdict for one is not used for the other."""
    root = tmp_path / "lib"
    make_library(root)
    text = (b"Monitors found forced labour<script> in every region where cotton is grown in "
            b"the country</script> in 2019.\n")
    (root / "sources" / "archive" / "arch.txt").write_bytes(text)
    (root / "sources" / "archive" / "arch.htm").write_bytes(text)
    assert checked(root, True) == checked(root, False)
    assert not any("quote-mismatch" in p for p in checked(root, True))
    keeping_stat(root / "sources.bib", toggle(b"arch.txt}", b"arch.htm}"))
    assert checked(root, True) == checked(root, False)
    assert any("quote-mismatch" in p for p in checked(root, True))


def test_a_bibliography_appearing_later_is_seen(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    make_library(root)
    refs = root / "extra" / "refs.bib"
    data = refs.read_bytes()
    refs.unlink()
    assert checked(root, True) == checked(root, False)
    assert any("bibliography 'extra/refs.bib' not found" in p for p in checked(root, True))
    refs.write_bytes(data)
    assert checked(root, True) == checked(root, False)
    assert not any("brief-build" in p for p in checked(root, True))


def test_rename_refuses_a_use_it_cannot_rewrite(tmp_path: Path) -> None:
    """A fact id written with a Jinja escape is a use (build and used-by see it): a rename
    that would leave it behind changes nothing."""
    from drafting.errors import DraftingError
    from drafting.upkeep import rename_fact

    root = tmp_path / "lib"
    make_library(root)
    brief = root / "briefs" / "brief.md"
    brief.write_text(BRIEF.replace('{{ fact("b") }}', '{{ fact("\\x62") }}'), encoding="utf-8")
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    with pytest.raises(DraftingError, match="cannot rewrite"):
        rename_fact(root, "b", "registration")
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before
