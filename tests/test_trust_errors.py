"""Invariant 6: every bad input is a located error, and check fails where build fails.

``drafting check`` reads the whole library; whatever would stop ``drafting build`` of
a brief must make ``check`` fail too (the bad-input corpus is the list of such
things). Random front matter never gets past drafting as a traceback or an
"unexpected" error.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_bad_inputs import CASES, HERE, library

from drafting.cli import cli

#: Cases about where the output goes, not about the library: check has nothing to say.
NOT_LIBRARY = {"brief-missing"}


def build_failures() -> list[str]:
    out = []
    for case in CASES:
        spec = yaml.safe_load((HERE / case / "case.yaml").read_text(encoding="utf-8"))
        command = spec.get("command", ["build", "briefs/brief.md"])
        if spec["expect"] == "error" and command == ["build", "briefs/brief.md"] \
                and case not in NOT_LIBRARY:
            out.append(case)
    return out


@pytest.mark.parametrize("case", build_failures())
def test_check_fails_where_build_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       case: str) -> None:
    root, _ = library(tmp_path, case)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "DRAFTING_DEBUG" not in result.output
    assert re.search(r": error: ", result.output) or result.output.startswith("error: "), \
        result.output


SCALARS = st.one_of(
    st.sampled_from(["2020-01-17", "2016-02-30", "2020-13-01", "2020-01-17 10:00:00",
                     ".inf", "-.nan", "yes", "no", "null", "~", "0x1F", "1e400", "-0",
                     "'quoted'", '"2020-01-17"', "!!binary aGVsbG8=", "!!set {a, b}",
                     "!!python/object/apply:os.system [x]", "!!timestamp 2020-02-30",
                     "!!str 12", "!!int '12'", "!!float 1", "&a x", "*a", "*b", "{1: a}",
                     "[a, [b, [c]]]", "{a: {b: {c: d}}}", "<<: {x: 1}", "- a", "|\n  text",
                     ">-\n  text", "'unterminated", "[", "{", ": x", "@at", "`tick"]),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
)
KEYS = st.sampled_from(["title", "tags", "as_of", "filing_date", "docket", "x", "1", "yes",
                        "'a b'", "? complex", "petitioner", "style", "template",
                        "superseded_by"])


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(fields=st.lists(st.tuples(KEYS, SCALARS), max_size=6),
       where=st.sampled_from(["fact", "brief"]))
@example(fields=[("style", "|\n  text")], where="brief")  # a value ending in a line break
def test_any_front_matter_builds_or_is_a_located_error(make_library, fields, where) -> None:
    root = make_library.root
    front = "".join(f"{key}: {value}\n" for key, value in fields)
    fact_front = "title: A fact\ntags: [t]\nas_of: 2020-01-01\n"
    brief_front = ("template: pre-hearing-brief\ntitle: T\ndocket: D\nfiling_date: 2020-01-17\n"
                   "petitioner:\n  name: U\n")
    make_library.fact("f", "Over 600 unions were refused. [@grishin-2019, 3]",
                      front=(front if where == "fact" else fact_front))
    make_library.brief('{{ fact("f") }}', front=(brief_front + front if where == "brief"
                                                 else brief_front))
    runner = CliRunner()
    import os

    old = os.getcwd()
    os.chdir(root)
    try:
        for command in (["build", "briefs/test.md"], ["check", "--no-cache"], ["check"]):
            result = runner.invoke(cli, command)
            assert isinstance(result.exception, SystemExit) or result.exception is None, \
                (command, front, result.exception)
            assert "Traceback" not in result.output and "DRAFTING_DEBUG" not in result.output, \
                (command, front, result.output)
            if command[0] == "build" and result.exit_code:
                lines = result.stderr.strip().splitlines()
                assert lines and all(re.match(r"error: [^:]+:\d+", ln) for ln in lines), \
                    (front, result.stderr)
    finally:
        os.chdir(old)
