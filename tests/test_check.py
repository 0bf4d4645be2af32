"""``drafting check``: every rule with a failing and a passing example."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.check import RULES, run_check
from drafting.cli import cli
from drafting.config import CheckConfig

ROOT = Path(__file__).resolve().parent.parent
CLEAN_FACT = "A sourced fact. [@grishin-2019]"


def findings(lib, **config) -> set[tuple[str, int, str]]:
    """(file name, line, rule) of every problem in a library."""
    problems = run_check(lib.root, config=CheckConfig(**config) if config else None,
                         use_cache=False)
    return {(Path(p.path).name, p.line, p.rule) for p in problems}


def rules_of(lib, **config) -> set[str]:
    return {rule for _, _, rule in findings(lib, **config)}


@pytest.fixture
def lib(make_library):
    """A small library that is clean apart from sources no one cites."""
    make_library.fact("good", "Sourced: [@grishin-2019] [@ilo-cas-2019] [@hrw-2016] [@usc-19].")
    return make_library


def test_clean_library_has_no_problems(lib) -> None:
    assert findings(lib) == set()


def test_every_rule_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule}`" in readme, rule


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("latin1", None, ("latin1.md", 4, "file")),
        ("badyaml", "---\ntitle: [x\n---\nText [@grishin-2019].\n",
         ("badyaml.md", 3, "front-matter")),
        ("signal", "---\ntitle: t\nas_of: 2020-01-01\n---\nOne.\n\nTwo [sea @grishin-2019].\n",
         ("signal.md", 7, "citation-syntax")),
        ("unclosed", "---\ntitle: t\nas_of: 2020-01-01\n---\nOne [@grishin-2019, 5 and on.\n",
         ("unclosed.md", 5, "citation-syntax")),
        ("empty", "---\ntitle: t\nas_of: 2020-01-01\n---\n\n", ("empty.md", 6, "fact-empty")),
        ("nocite", "---\ntitle: t\nas_of: 2020-01-01\n---\nNo source at all.\n",
         ("nocite.md", 5, "fact-uncited")),
        ("nometa", "---\ntags: x\n---\nText [@grishin-2019].\n", ("nometa.md", 2, "fact-metadata")),
    ],
)
def test_fact_file_rules(lib, name: str, text: str | None, expected: tuple) -> None:
    path = lib.root / "snippets" / f"{name}.md"
    if text is None:
        path.write_bytes("---\ntitle: t\n---\nCaf\u00e9 [@grishin-2019].\n".encode("latin-1"))
    else:
        path.write_text(text, encoding="utf-8")
    assert expected in findings(lib)


def test_uncited_claims(lib) -> None:
    lib.fact("claims", """
        In 2019, 600 unions were refused registration. [@grishin-2019] Later, 30 more were
        refused.

        The Committee said that "the situation is worse than ever before" in June.

        Article 402 of the Criminal Code and 19 U.S.C. § 2462(d) apply. [@grishin-2019]

        [Our union counted 45 cases in 2020.]{.own-knowledge} [The union's view]{.argument}.

        A defined term (“the Trade Union Law”) and a "scare quote" are not quotations.
        """)
    found = {(line, rule) for name, line, rule in findings(lib) if name == "claims.md"}
    assert found == {(6, "uncited-claim"), (9, "uncited-claim")}


def test_uncited_claim_message_names_the_sentence(lib) -> None:
    lib.fact("claims", "Text [@grishin-2019]. Then 600 more were refused.")
    problem = next(p for p in run_check(lib.root, use_cache=False)
                   if p.rule == "uncited-claim")
    assert problem.line == 6 and problem.col == 23
    assert "'Then 600 more were refused.' states a figure or date" in problem.message


def test_block_quote_cited_by_its_introduction_or_at_its_end(lib) -> None:
    lib.fact("bq", """
        The Committee said: [@grishin-2019, 4]

        > "We are concerned by the arrests of trade union leaders in 2019."

        The ITUC wrote in 2019:

        > "Registration has been denied for minor mistakes in the forms." [@ilo-cas-2019, 7]

        Unsourced:

        > "This quotation has no source anywhere near it at all."
        """)
    found = {(line, rule) for name, line, rule in findings(lib) if name == "bq.md"}
    assert found == {(8, "quote-unverifiable"), (12, "quote-unverifiable"), (16, "uncited-claim")}


def test_brief_paragraphs_need_a_citation_or_an_argument_mark(lib) -> None:
    prose = ("The government has taken no steps at all to afford the rights that the law "
             "requires of it, and it continues to restrict them in law and in practice alike.")
    lib.brief(f'{prose}\n\n{{.argument}}\n{prose}\n\n{{{{ fact("good") }}}} {prose}')
    assert findings(lib) == {("test.md", 9, "uncited-paragraph")}


def test_references(lib) -> None:
    lib.fact("refs", "Cites [@nokey].", front="title: t\nas_of: 2020-01-01\nsuperseded_by: gone\n")
    (lib.root / "snippets" / "dup").mkdir()
    lib.fact("dup/good", CLEAN_FACT)
    lib.brief('Text.\n\n{{ fact("missing") }}')
    found = findings(lib)
    assert ("refs.md", 6, "unknown-key") in found
    assert ("refs.md", 2, "unknown-fact") in found
    assert ("test.md", 11, "unknown-fact") in found
    duplicates = [p for p in run_check(lib.root, use_cache=False) if p.rule == "duplicate-fact"]
    assert sorted(Path(p.path).parent.name for p in duplicates) == ["dup", "snippets"]


def test_unused_source(make_library) -> None:
    make_library.fact("one", CLEAN_FACT)
    found = findings(make_library)
    assert {rule for _, _, rule in found} == {"unused-source"}
    assert len(found) == 3


def append_bib(lib, text: str) -> int:
    """Append entries to sources.bib; the line where they start."""
    bib = lib.root / "sources.bib"
    start = bib.read_text(encoding="utf-8").count("\n") + 2
    with bib.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text)
    return start


@pytest.mark.parametrize(
    ("entry", "rule"),
    [
        ("@misc{broken,\n  title = {never closed,\n}\n", "bib-syntax"),
        ("@misc{usc-19,\n  title = {Again},\n}\n", "bib-syntax"),
        ("@misc{strung,\n  title = undefinedstring,\n  date = {2020},\n}\n", "bib-syntax"),
        ("@report{thin,\n  title = {Only a title},\n}\n", "missing-field"),
        ("@online{web,\n  title = {T}, author = {A}, date = {2020},\n  url = {www.no-scheme}\n}\n",
         "bad-url"),
        ("@online{when,\n  title = {T}, author = {A}, date = {March 2020}, url = {https://a.org}\n}\n",
         "bad-date"),
        ("@online{lost,\n  title = {T}, author = {A}, date = {2020}, url = {https://a.org},\n"
         "  file = {sources/archive/none.txt}\n}\n", "archive-missing"),
    ],
)
def test_source_rules(lib, entry: str, rule: str) -> None:
    start = append_bib(lib, entry)
    key = entry.split("{")[1].split(",")[0]
    if key not in ("broken", "usc-19", "strung"):
        lib.fact("uses", f"Cites [@{key}].")
    assert ("sources.bib", start, rule) in findings(lib)


def archived_library(lib) -> None:
    archive = lib.root / "sources" / "archive"
    archive.mkdir(parents=True)
    (archive / "report.html").write_text(
        "<html><body><h1>Report</h1><p>The Committee is <em>deeply</em> concerned that "
        "trade union\nleaders were arrested &mdash; and that some trade-\nunions were "
        "dissolved in 2019.</p><script>var x = 'not text';</script></body></html>",
        encoding="utf-8")
    append_bib(lib, "@report{archived,\n  title = {A report}, author = {{UN}}, date = {2020},\n"
                    "  url = {https://un.org/r}, file = {sources/archive/report.html}\n}\n")


@pytest.mark.parametrize(
    ("citation", "rules"),
    [
        ('"The Committee is deeply concerned that trade union leaders were arrested" '
         "[@archived, 4]", set()),
        ('"[t]rade union leaders were arrested -- and that some trade unions were dissolved" '
         "[@archived, 4]", set()),
        ('"The Committee is deeply concerned ... some tradeunions were dissolved in 2019" '
         "[@archived, ¶ 4]", set()),
        ('"The Committee is deeply worried that trade union leaders were arrested" '
         "[@archived, 4]", {"quote-mismatch"}),
        ('"The Committee is deeply concerned that trade union leaders were arrested" '
         "[@archived]", {"quote-no-pin"}),
        ('"Andrei wrote that unions are in serious trouble" [@grishin-2019, 4]',
         {"quote-unverifiable"}),
    ],
)
def test_quotes_against_archives(lib, citation: str, rules: set[str]) -> None:
    archived_library(lib)
    lib.fact("quoted", f"It said {citation}.")
    assert {r for name, _, r in findings(lib) if name == "quoted.md"} == rules


def test_mismatch_shows_the_closest_passage(lib) -> None:
    archived_library(lib)
    lib.fact("quoted", '"The Committee is deeply worried that trade union leaders were '
                       'arrested" [@archived, 4].')
    problem = next(p for p in run_check(lib.root, use_cache=False)
                   if p.rule == "quote-mismatch")
    assert problem.line == 6 and problem.col == 1
    assert 'the quote has "is deeply worried that" where the source has "is deeply concerned ' \
        'that"' in problem.message


def test_stale_and_superseded_facts(tmp_path: Path) -> None:
    """The seed case: a leader 'remains there at the time of this writing' (2020); a 2021
    source shows he was released."""
    root = tmp_path / "example"
    for part in ("snippets", "briefs", "templates", "sources"):
        shutil.copytree(ROOT / part, root / part)
    shutil.copy(ROOT / "sources.bib", root)
    old = root / "snippets" / "kazakhstan" / "baltabai-2019-sentence.md"
    old.write_text(old.read_text(encoding="utf-8").replace(
        "as_of: 2020-01-17", "as_of: 2020-01-17\nsuperseded_by: baltabai-kharkova-free-2021"),
        encoding="utf-8")
    brief = (root / "briefs" / "kazakhstan-2020.md").read_text(encoding="utf-8")
    (root / "briefs" / "kazakhstan-2022.md").write_text(
        brief.replace("filing_date: 2020-01-17", "filing_date: 2022-01-20"), encoding="utf-8")
    problems = run_check(root, config=CheckConfig(today=None, stale_after_days=730),
                         use_cache=False)
    found = {(Path(p.path).name, p.line, p.rule) for p in problems}
    assert ("baltabai-2019-sentence.md", 2, "superseded-fact") in found
    assert ("baltabai-2019-sentence.md", 2, "stale-fact") in found
    line = brief.splitlines().index('{{ fact("baltabai-2019-sentence") }}') + 1
    assert ("kazakhstan-2022.md", line, "stale-use") in found
    # the 2020 filing was right when it was filed: the release came later
    assert not any(name == "kazakhstan-2020.md" and rule == "stale-use"
                   for name, _, rule in found if "baltabai" in name or rule == "stale-use")


def test_brief_build_rule(lib) -> None:
    lib.brief('{{ fact("good") }}', front="template: pre-hearing-brief\ntitle: t\n")
    assert ("test.md", 1, "brief-build") in findings(lib)
    lib.brief('{{ fact("good") }}', front="template: nope\ndocket: 1\n")
    assert ("test.md", 1, "brief-build") in findings(lib)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda path: path.write_text("not a zip"), "not a Word .docx"),
        (lambda path: path.write_bytes(path.read_bytes()[:2000]), "template is"),
    ],
)
def test_template_rule(lib, damage, message: str) -> None:
    template = lib.root / "templates" / "pre-hearing-brief.docx"
    damage(template)
    problems = [p for p in run_check(lib.root, use_cache=False) if p.rule == "template"]
    assert len(problems) == 1 and message in problems[0].message
    assert problems[0].path.endswith("pre-hearing-brief.docx")


def test_example_library_has_only_unverifiable_quote_warnings() -> None:
    problems = run_check(ROOT, use_cache=False)
    assert problems, "the seed's quotes from sources not in the seeds are unverifiable"
    assert {p.rule for p in problems} == {"quote-unverifiable"}
    assert {p.severity for p in problems} == {"warning"}


def cli_check(*args: str) -> object:
    return CliRunner().invoke(cli, ["check", *args])


def test_cli_exit_codes_and_formats(lib) -> None:
    root = str(lib.root)
    clean = cli_check(root)
    assert clean.exit_code == 0 and clean.output.strip() == "no problems"
    lib.fact("bad", "Cites [@nokey]. In 2019, 5 more.")
    lib.fact("warn", '"A long quote with no archive at all" [@grishin-2019, 3].')
    result = cli_check(root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == "2 errors, 1 warning"
    assert any(line.endswith("bad.md:6:1: error: unknown source key '@nokey'; add it to "
                             "sources.bib [unknown-key]") for line in lines)
    data = json.loads(cli_check(root, "--format", "json").output)
    assert data["errors"] == 2 and data["warnings"] == 1
    assert {p["rule"] for p in data["problems"]} == {"unknown-key", "uncited-claim",
                                                    "quote-unverifiable"}
    github = cli_check(root, "--format", "github").output.splitlines()
    assert any(g.startswith("::error file=") and ",line=6,col=1,title=unknown-key::" in g
               for g in github)
    (lib.root / "snippets" / "bad.md").unlink()
    assert cli_check(root).exit_code == 0
    assert cli_check(root, "--strict").exit_code == 1


def test_paths_limit_the_report(lib) -> None:
    lib.fact("bad", "Cites [@nokey].")
    other = lib.fact("other", "Cites [@alsonokey].")
    result = cli_check(str(other))
    assert "other.md" in result.output and "bad.md" not in result.output


def test_cache_is_used_and_invalidated(lib) -> None:
    fact = lib.fact("cached", CLEAN_FACT)
    assert run_check(lib.root) == []
    assert (lib.root / ".drafting-cache" / "check.json").is_file()
    fact.write_text(fact.read_text(encoding="utf-8").replace("grishin-2019", "nokey"),
                    encoding="utf-8")
    assert [p.rule for p in run_check(lib.root)] == ["unknown-key"]


def test_check_does_not_load_the_word_stack() -> None:
    code = ("import sys; from click.testing import CliRunner; from drafting.cli import cli; "
            f"CliRunner().invoke(cli, ['check', '--no-cache', {str(ROOT)!r}]); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'docxtpl')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_rules_are_listed() -> None:
    result = cli_check("--rules")
    assert result.exit_code == 0
    assert all(rule in result.output for rule in RULES)
