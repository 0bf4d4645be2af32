"""``drafting check --changed REF``: only what a change touches, through real git."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_example

ROOT = Path(__file__).resolve().parent.parent
FACT = "snippets/kazakhstan/fprk-state-control.md"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_COMMITTER_NAME": "t",
                               "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_EMAIL": "t@example.org"})


def check(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "drafting", "check", *args, cwd=repo)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "library")
    run("git", "init", "-q", cwd=root)
    run("git", "add", "-A", cwd=root)
    assert run("git", "commit", "-qm", "library", cwd=root).returncode == 0
    return root


def paths(result: subprocess.CompletedProcess) -> set[str]:
    return {p["path"] for p in json.loads(result.stdout)["problems"]}


def test_nothing_changed(repo: Path) -> None:
    result = check(repo, "--changed", "HEAD")
    assert result.returncode == 0 and result.stdout.strip() == "no file changed since HEAD"


def test_a_changed_fact_and_the_briefs_that_use_it(repo: Path) -> None:
    """Only the changed fact's problems (and those of briefs using it) are reported;
    a problem elsewhere in the library is not."""
    other = repo / "snippets" / "kazakhstan" / "strikes-resolved-extractives.md"
    (repo / FACT).write_text((repo / FACT).read_text(encoding="utf-8")
                             + "\nAn unsourced claim that 42 percent agree.\n", encoding="utf-8")
    run("git", "commit", "-qam", "edit", cwd=repo)  # committed since the ref, not only staged
    other.write_text(other.read_text(encoding="utf-8").replace("[see, e.g., ", "[see, e.g. "),
                     encoding="utf-8")
    run("git", "stash", "-q", cwd=repo)  # the second edit is not part of the change
    result = check(repo, "--changed", "HEAD~1", "--format", "json")
    assert result.returncode == 1
    found = paths(result)
    assert FACT in found and not any("strikes-resolved" in p for p in found)
    errors = [p for p in json.loads(result.stdout)["problems"] if p["severity"] == "error"]
    assert [(p["path"], p["rule"]) for p in errors] == [(FACT, "uncited-claim")]


def test_a_changed_source_checks_the_facts_citing_it(repo: Path) -> None:
    bib = repo / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace(
        "url          = {https://www.hrw.org/news/2018/11/12/kazakhstan-attack-trade-union-leader}",
        "url          = {not a web address}"), encoding="utf-8")
    new_fact = repo / "snippets" / "kazakhstan" / "new-uncommitted.md"
    new_fact.write_text("---\ntitle: New\ntags: [t]\nas_of: 2019-12-01\n---\nA new fact "
                        "citing nobody in 2019.\n", encoding="utf-8")
    result = check(repo, "--changed", "HEAD", "--format", "json")
    found = paths(result)
    assert "sources.bib" in found  # the bad URL
    assert "snippets/kazakhstan/new-uncommitted.md" in found  # new files count too
    assert not any("fprk-state-control" in p for p in found)


def test_a_bad_ref_is_one_line(repo: Path) -> None:
    result = check(repo, "--changed", "no-such-branch")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad revision 'no-such-branch'" in lines[0]
    assert "Traceback" not in result.stderr


#: Edits after which a --changed check reads only some facts: it must report exactly
#: what a full check reports in the files the change touches.
FOCUSED_EDITS = {
    "unsourced claim": lambda r: append(r / FACT, "\nAn unsourced claim that 42 percent agree.\n"),
    "unknown key": lambda r: append(r / FACT, "\nMore. [@no-such-source, 3]\n"),
    "fact deleted": lambda r: (r / FACT).unlink(),
    "new fact": lambda r: (r / "snippets" / "new-one.md").write_text(
        "---\ntitle: New\ntags: [x]\nas_of: 2019-01-01\n---\nIt rose by 12 percent.\n",
        encoding="utf-8"),
    "brief uses an unknown fact": lambda r: append(r / "briefs" / "kazakhstan-2020.md",
                                                   '\n{{ fact("nowhere") }}\n'),
    "superseded": lambda r: (r / FACT).write_text((r / FACT).read_text(encoding="utf-8").replace(
        "---\n", "---\nsuperseded_by: baltabai-kharkova-free-2021\n", 1), encoding="utf-8"),
    "superseded by a used fact": lambda r: (r / FACT).write_text((r / FACT).read_text(
        encoding="utf-8").replace("---\n", "---\nsuperseded_by: ilo-cas-2019-regret\n", 1),
        encoding="utf-8"),
    "fact renamed": lambda r: (r / FACT).rename(r / "snippets" / "kazakhstan" / "renamed.md"),
    "successor deleted": lambda r: (
        (r / FACT).write_text((r / FACT).read_text(encoding="utf-8").replace(
            "---\n", "---\nsuperseded_by: baltabai-kharkova-free-2021\n", 1), encoding="utf-8"),
        commit(r), (r / "snippets" / "kazakhstan" / "baltabai-kharkova-free-2021.md").unlink()),
    "brief's bibliography changed": lambda r: (
        (r / "refs.bib").write_text((r / "sources.bib").read_text(encoding="utf-8"),
                                    encoding="utf-8"),
        (r / "briefs" / "post-hearing-2020.md").write_text(
            (r / "briefs" / "post-hearing-2020.md").read_text(encoding="utf-8").replace(
                "---\n", "---\nbibliography: refs.bib\n", 1), encoding="utf-8"),
        commit(r), (r / "refs.bib").write_text((r / "refs.bib").read_text(encoding="utf-8")
                                               .replace("{ilo-cas-2019,", "{ilo-cas-2O19,"),
                                               encoding="utf-8")),
    "quote changed": lambda r: (r / "snippets" / "kazakhstan" / "ilo-cas-2019-regret.md")
    .write_text((r / "snippets" / "kazakhstan" / "ilo-cas-2019-regret.md")
                .read_text(encoding="utf-8").replace("regret", "deplore", 1), encoding="utf-8"),
}


def commit(root: Path) -> None:
    """Commit everything (the edit after it is the change --changed sees)."""
    run("git", "add", "-A", cwd=root)
    assert run("git", "commit", "-qm", "step", cwd=root).returncode == 0


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize("edits", [["unsourced claim"], ["unknown key"], ["fact deleted"],
                                   ["new fact"], ["brief uses an unknown fact"],
                                   ["superseded"], ["superseded by a used fact"],
                                   ["fact renamed"], ["successor deleted"],
                                   ["brief's bibliography changed"],
                                   ["quote changed", "unknown key"]])
def test_a_focused_check_reports_what_a_full_one_does(repo: Path, edits: list[str]) -> None:
    from drafting.changed import to_check
    from drafting.check import Cache, load, run_check, select

    for edit in edits:
        FOCUSED_EDITS[edit](repo)
    whole = load(repo, Cache(repo, "check", "x", enabled=False))
    expected = select(run_check(repo, use_cache=False), to_check(repo, "HEAD", whole))
    assert expected  # the edit is one a check reports
    assert run_check(repo, changed="HEAD") == expected  # focused (fills the cache)
    assert run_check(repo, changed="HEAD") == expected  # and again, from the cache
    assert run_check(repo) == run_check(repo, use_cache=False)  # the cache is still whole


def test_a_fact_with_a_non_ascii_name_and_a_library_in_a_subfolder(tmp_path: Path) -> None:
    """git quotes a name with a non-ASCII letter unless asked not to (-z); a library in
    a folder of a larger repository sees its own changes, not the repository's."""
    top = tmp_path / "repo"
    root = copy_example(top / "libraries" / "kz")
    run("git", "init", "-q", cwd=top)
    (top / "README.txt").write_text("outside the library\n", encoding="utf-8")
    run("git", "add", "-A", cwd=top)
    assert run("git", "commit", "-qm", "library", cwd=top).returncode == 0
    fact = root / "snippets" / "kazakhstan" / "қазақстан-ереуіл.md"
    fact.write_text("---\ntitle: A strike\n---\nAn unsourced claim that 42 percent agree.\n",
                    encoding="utf-8")
    (top / "README.txt").write_text("changed outside\n", encoding="utf-8")
    result = check(root, "--changed", "HEAD", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert paths(result) == {"snippets/kazakhstan/қазақстан-ереуіл.md"}


def test_a_ref_like_an_option_and_a_folder_outside_git_are_clear_errors(repo: Path,
                                                                      tmp_path: Path) -> None:
    """A ref that starts with '-' is never handed to git (``--output=FILE`` would make
    git write a file); outside a repository the error says so."""
    target = tmp_path / "written-by-git"
    result = check(repo, f"--changed=--output={target}")
    assert result.returncode == 1 and not target.exists()
    assert "is not a commit, branch or tag" in result.stderr
    outside = copy_example(tmp_path / "no-git")
    result = check(outside, "--changed", "HEAD")
    assert result.returncode == 1 and "not a git repository" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("ref", ["", "   ", "HEAD\n--output=/tmp/x"])
def test_an_empty_or_multi_line_ref_is_a_usage_error(repo: Path, ref: str) -> None:
    """An empty ref used to run a full check without a word; a ref with a line break
    gave a garbled message (found by a red team)."""
    result = check(repo, f"--changed={ref}")
    assert result.returncode == 2 and "--changed needs a git commit" in result.stderr
    assert "Traceback" not in result.stderr
