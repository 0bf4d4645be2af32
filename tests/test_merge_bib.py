"""The sources.bib merge driver, through real ``git merge`` in a temporary repository."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from drafting import bibfile
from drafting.mergebib import merge

BASE = """\
@report{hrw-2016,
  author       = {{Human Rights Watch}},
  title        = {We Are Not the Enemy},
  institution  = {Human Rights Watch},
  date         = {2016-11},
  url          = {https://www.hrw.org/report/2016/11/23/we-are-not-enemy},
}

@online{ilo-2019,
  author       = {{International Labour Organization}},
  title        = {Report of the Committee},
  date         = {2019},
  url          = {https://www.ilo.org/cas.pdf},
}
"""

ADDED_A = """
@misc{aaa-new,
  title        = {Added on branch a},
  date         = {2021},
}
"""
ADDED_B = """
@misc{zzz-new,
  title        = {Added on branch b},
  date         = {2022},
}
"""


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=check, env={**os.environ, "GIT_AUTHOR_NAME": "t",
                                            "GIT_AUTHOR_EMAIL": "t@example.org",
                                            "GIT_COMMITTER_NAME": "t",
                                            "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A library in git, with the merge driver registered as the README says."""
    root = tmp_path / "library"
    result = subprocess.run([sys.executable, "-m", "drafting", "init", str(root), "--style",
                             "house"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "sources.bib merge=drafting-bib" in (root / ".gitattributes").read_text()
    (root / "sources.bib").write_text(BASE, encoding="utf-8")
    git("init", "-q", "-b", "main", cwd=root)
    driver = f"{shlex.quote(sys.executable)} -m drafting merge-bib %O %A %B"
    git("config", "merge.drafting-bib.driver", driver, cwd=root)
    git("add", "-A", cwd=root)
    git("commit", "-qm", "base", cwd=root)
    return root


def branch(repo: Path, name: str, change) -> None:
    git("checkout", "-q", "-b", name, "main", cwd=repo)
    bib = repo / "sources.bib"
    bib.write_text(change(bib.read_text(encoding="utf-8")), encoding="utf-8")
    git("commit", "-qam", name, cwd=repo)
    git("checkout", "-q", "main", cwd=repo)


def entries(repo: Path) -> dict:
    return bibfile.summary(bibfile.parse((repo / "sources.bib").read_text()))["entries"]


def test_sources_added_on_two_branches_merge_cleanly(repo: Path) -> None:
    # each branch adds a source as `drafting source add` does: in fmt's sorted layout
    branch(repo, "a", lambda t: bibfile.canonical(bibfile.parse(t + ADDED_A)))
    branch(repo, "b", lambda t: bibfile.canonical(bibfile.parse(t + ADDED_B)))
    git("merge", "-q", "a", cwd=repo)
    merged = git("merge", "-q", "--no-edit", "b", cwd=repo, check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert set(entries(repo)) == {"aaa-new", "hrw-2016", "ilo-2019", "zzz-new"}
    fmt = subprocess.run([sys.executable, "-m", "drafting", "fmt", "--check"], cwd=repo,
                         capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout  # added entries land in their sorted places


def test_different_fields_of_one_entry_merge_cleanly(repo: Path) -> None:
    branch(repo, "title", lambda t: t.replace("{We Are Not the Enemy}",
                                              "{We Are Not the Enemy: Violations}"))
    branch(repo, "date", lambda t: t.replace("{2016-11}", "{2016-11-23}"))
    git("merge", "-q", "title", cwd=repo)
    merged = git("merge", "-q", "--no-edit", "date", cwd=repo, check=False)
    assert merged.returncode == 0, merged.stdout + merged.stderr
    fields = dict(entries(repo)["hrw-2016"][1])
    assert fields["title"] == "{We Are Not the Enemy: Violations}"
    assert fields["date"] == "{2016-11-23}"


def test_the_same_field_changed_twice_is_a_conflict_check_reports(repo: Path) -> None:
    branch(repo, "one", lambda t: t.replace("{2016-11}", "{2016-10}"))
    branch(repo, "two", lambda t: t.replace("{2016-11}", "{2016-12}"))
    git("merge", "-q", "one", cwd=repo)
    merged = git("merge", "-q", "--no-edit", "two", cwd=repo, check=False)
    assert merged.returncode != 0  # git stops for the person
    text = (repo / "sources.bib").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index("<<<<<<< ours") + 1
    assert lines[start:start + 5] == ["  date         = {2016-10},",
                                      "=======", "  date         = {2016-12},",
                                      ">>>>>>> theirs", "}"]
    assert "ilo-2019" in text  # the rest of the file is merged
    check = subprocess.run([sys.executable, "-m", "drafting", "check", "--format", "json"],
                           cwd=repo, capture_output=True, text=True)
    problems = [p for p in json.loads(check.stdout)["problems"] if p["rule"] == "merge-conflict"]
    assert [(p["line"], "field 'date'" in p["message"]) for p in problems] == [(start, True)]


def test_a_change_against_a_deletion_is_a_conflict() -> None:
    deleted = BASE[:BASE.index("@online{ilo-2019")]
    changed = BASE.replace("{2019}", "{2019-06}")
    result = merge(BASE, deleted, changed)
    assert result.conflicts == ["ilo-2019: changed on the other side, deleted here"]
    assert "2019-06" in result.text
    unchanged = merge(BASE, deleted, BASE)
    assert unchanged.conflicts == [] and "ilo-2019" not in unchanged.text


def test_an_unreadable_version_falls_back_to_a_line_merge(tmp_path: Path) -> None:
    """A version git's line merge can still handle is merged by it, markers and all."""
    from drafting.mergebib import merge_files

    base, ours, theirs = (tmp_path / n for n in ("base.bib", "ours.bib", "theirs.bib"))
    base.write_text(BASE)
    ours.write_text(BASE + "@misc{broken, title = {no end}\n")
    theirs.write_text(BASE + ADDED_B)
    conflicts = merge_files(base, ours, theirs)
    assert conflicts == ["the file could not be read as BibTeX: merged line by line"]
    text = ours.read_text()
    assert "<<<<<<< ours" in text and "@misc{broken" in text and "zzz-new" in text
    assert text.startswith(BASE)  # what both sides share is kept as it was
