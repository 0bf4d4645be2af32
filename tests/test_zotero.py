"""Sources from Zotero and Better BibTeX, and writes that keep ``fmt``'s layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "library"
    for part in ("snippets", "briefs", "templates", "sources"):
        shutil.copytree(ROOT / part, root / part)
    for name in ("sources.bib", "drafting.yaml"):
        shutil.copy(ROOT / name, root)
    monkeypatch.chdir(root)
    return root


MONTHS = """\
@report{zotero-2020-jan,
  title = {Report with a month macro},
  author = {{Human Rights Watch}},
  institution = {Human Rights Watch},
  year = {2020},
  month = jan,
  url = {https://www.hrw.org/month-macro},
}
"""


def test_month_macros_are_bibtex_own_strings(example: Path) -> None:
    """``month = jan`` (as Zotero writes it) imports, checks clean of bib-syntax, and
    prints as January."""
    assert run("source", "add", stdin=MONTHS).exit_code == 0
    result = run("check", "--format", "json")
    assert "zotero-2020-jan" not in "".join(
        p["message"] for p in __import__("json").loads(result.output)["problems"]
        if p["rule"] == "bib-syntax")
    shown = run("source", "show", "zotero-2020-jan")
    assert "(January 2020)" in shown.output
    undefined = MONTHS.replace("month = jan", "month = janvier").replace("-jan,", "-x,")
    refused = run("source", "add", stdin=undefined)
    assert refused.exit_code == 1 and "@string 'janvier', which is not defined" in refused.output


def test_writes_keep_fmt_layout(example: Path) -> None:
    """After source add, source import and import of a filing, ``fmt --check`` is clean:
    new entries go where fmt puts them (sorted by key), not at the end."""
    assert run("fmt", "--check").exit_code == 0
    entry = "@misc{aaa-first, title = {Sorted first}, year = {2021}}\n"
    assert run("source", "add", stdin=entry).exit_code == 0
    assert run("fmt", "--check").exit_code == 0, run("fmt", "--check").output
    text = (example / "sources.bib").read_text(encoding="utf-8")
    assert text.index("@misc{aaa-first") < text.index("@online{ceacr-2019-c087")
    assert run("source", "add", stdin=MONTHS).exit_code == 0
    assert run("fmt", "--check").exit_code == 0


def test_a_library_kept_in_its_own_order_stays_so(example: Path) -> None:
    """A sources.bib not in fmt's layout (``fmt --no-sort``, or by hand) is appended
    to, not reordered."""
    bib = example / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{zzz, title = {Z}, "
                   "year = {2020}}\n", encoding="utf-8")  # by hand: not fmt's layout
    assert run("fmt", "--check").exit_code == 1
    before = bib.read_text(encoding="utf-8")
    assert run("source", "add", stdin="@misc{aaa, title = {A}, year = {2020}}\n").exit_code == 0
    after = bib.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")) and after.rstrip().endswith("}")
    assert after.index("@misc{aaa") > after.index("@misc{zzz")
