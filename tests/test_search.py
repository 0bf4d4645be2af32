"""``fact search``: stemming, phrases, AND/OR/NOT, British and American spellings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli
from drafting.search import fts_query


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def library(make_library, monkeypatch: pytest.MonkeyPatch) -> Path:
    make_library.fact("labour-uk", "Labour inspectors organised visits. [@grishin-2019, 1]")
    make_library.fact("labor-us", "The labor code limits strikes. [@grishin-2019, 2]")
    make_library.fact("unions", "Trade union leaders were detained. [@grishin-2019, 3]")
    monkeypatch.chdir(make_library.root)
    return make_library.root


def found(*words: str) -> list[str]:
    result = run("fact", "search", *words, "--format", "json")
    return sorted(h["fact_id"] for h in json.loads(result.output)) if result.output.strip() \
        else []


def test_spellings_stems_phrases_and_operators(library: Path) -> None:
    assert found("labor") == ["labor-us", "labour-uk"]  # British and American spellings
    assert found("organize") == ["labour-uk"]  # organised
    assert found("strike") == ["labor-us"]  # stemmed: strikes
    assert found("detain") == ["unions"]
    assert found('"union leaders"') == ["unions"]
    assert found('"leaders union"') == []
    assert found("labor", "NOT", "strikes") == ["labour-uk"]
    assert found("inspectors", "OR", "detained") == ["labour-uk", "unions"]


def test_a_librarys_own_synonyms(library: Path) -> None:
    (library / "drafting.yaml").write_text(
        "check:\n  today: 2020-06-01\nsearch:\n  synonyms: [[CITUK, unions]]\n",
        encoding="utf-8")
    assert found("CITUK") == ["unions"]
    (library / "drafting.yaml").write_text("search:\n  synonyms: labor\n", encoding="utf-8")
    bad = run("fact", "search", "labor")
    assert bad.exit_code == 1 and "search.synonyms must be a list of lists" in bad.output


def test_a_broken_query_is_one_line(library: Path) -> None:
    result = run("fact", "search", "(unclosed")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "close every quote and parenthesis" in result.output


def test_query_building() -> None:
    assert fts_query(["strike", "oil"]) == '"strike"* "oil"*'
    assert fts_query(["labor"], {"labor": ["labour"]}) == '("labor"* OR "labour"*)'
    assert fts_query(['"trade union"', "NOT", "fprk"]) == '"trade union" NOT "fprk"*'
    # FTS5 syntax typed by accident stays text: a quote opens a phrase, * ^ : are dropped
    assert fts_query(['a"*^:b']) == '"a"* "*^:b"'
    assert fts_query(["NEAR(x", "y)"]) == '"NEAR"* ( "x"* "y"* )'


def test_hostile_queries_never_crash(library: Path) -> None:
    for query in ['a"*^:b', "NEAR(x y)", "'; DROP TABLE facts; --", "*", "NOT", '""']:
        result = run("fact", "search", query)
        assert result.exit_code in (0, 1) and "Traceback" not in result.output, query
