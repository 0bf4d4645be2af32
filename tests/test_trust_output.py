"""Invariant 8: machine-readable output cannot be forged.

``check --format github`` escapes every property and message by GitHub's
workflow-command rules, so a file name or a quoted passage cannot end an annotation
early or start another; bibtexparser's own log lines never reach stderr.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from drafting.check import Problem, as_github
from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION = re.compile(r"^::(error|warning) file=([^,:]*),line=(\d+),col=(\d+),"
                        r"title=([^,:]*)::(.*)$")


CODES = {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}


def unescape(text: str, codes: str = "25|0D|0A|3A|2C") -> str:
    """GitHub's reading of an escaped value (a message: only %, CR and LF)."""
    return re.sub(f"%({codes})", lambda m: CODES[m[1]], text)


@given(path=st.text(), message=st.text(), rule=st.text(min_size=1),
       severity=st.sampled_from(["error", "warning"]))
def test_an_annotation_reads_back_as_exactly_one_problem(path: str, message: str, rule: str,
                                                           severity: str) -> None:
    problem = Problem(path, 3, 7, severity, message, rule)
    line = as_github(problem)
    assert "\n" not in line and "\r" not in line
    match = ANNOTATION.match(line)
    assert match, line
    assert match[1] == severity
    assert unescape(match[2]) == path
    assert (match[3], match[4]) == ("3", "7")
    assert unescape(match[5]) == rule
    assert "::" not in match[2] + match[5]
    assert unescape(match[6], "25|0D|0A") == message


def test_hostile_names_and_quotes_in_a_real_check(make_library, monkeypatch) -> None:
    monkeypatch.chdir(make_library.root)
    make_library.fact("odd,name%0A::error file=x", "In 2019, 600 unions were refused.\n\n"
                      '"a quote\rwith::error file=evil.md,line=1::forged" [@nowhere, 3]')
    result = CliRunner().invoke(cli, ["check", "--format", "github"])
    lines = result.output.strip().splitlines()
    assert lines and all(ANNOTATION.match(line) for line in lines), result.output
    files = {unescape(ANNOTATION.match(line)[2]) for line in lines}
    assert "snippets/odd,name%0A::error file=x.md" in files
    assert "evil.md" not in files


BROKEN_BIB = "@article{broken,\n  title = {Unclosed\n\n@misc{ok, title = {Fine}}\n"


@pytest.mark.parametrize("command", [["check"], ["build", "briefs/test.md"],
                                     ["source", "import", "broken.bib"],
                                     ["source", "add", "broken.bib"], ["fmt", "--check"]])
def test_bibtexparser_logs_never_reach_stderr(make_library, command: list[str]) -> None:
    make_library.brief("Text.")
    bib = make_library.root / "sources.bib"
    if command[0] in ("check", "build", "fmt"):
        bib.write_text(bib.read_text(encoding="utf-8") + BROKEN_BIB, encoding="utf-8")
    (make_library.root / "broken.bib").write_text(BROKEN_BIB, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "drafting", *command], capture_output=True,
                          text=True, cwd=make_library.root, timeout=60,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                               "HOME": str(make_library.root)})
    for line in done.stderr.splitlines():  # bibtexparser logs "Parsing of ... aborted"
        assert not line.lstrip().startswith(("Parsing of", "Unexpected")), done.stderr
    assert "bibtexparser" not in done.stderr and "Traceback" not in done.stderr
