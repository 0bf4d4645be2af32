"""Hostile input fails fast with one located error; machine-readable output is unforgeable.

Each hostile library is built and checked by the real CLI in a subprocess with a generous
timeout, so a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LibraryMaker
from hypothesis import given, settings
from hypothesis import strategies as st

from drafting.check import Problem, as_github

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 20
BRIEF_LINE = 9  # the first body line of a brief from LibraryMaker.brief
FACT_LINE = 6  # the first body line of a fact from LibraryMaker.fact


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``drafting ARGS`` in ``root``; a hang fails the test after TIMEOUT seconds."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DRAFTING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "drafting", *args], cwd=root, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8))
DEEP_YAML_LIST = "tags:\n" + "".join("  " * i + "-\n" for i in range(1, 200))
STYLE_BRIEF_FRONT = ("style: mine\ntemplate: pre-hearing-brief\ntitle: Test Review\n"
                     "docket: USTR-0000\nfiling_date: 2020-01-17\npetitioner:\n  name: Union\n")

#: name: (fact body, fact front matter, brief body, expected file:line, message regex)
FACTS = {
    "20000 [": ("x " + "[" * 20000 + " [@grishin-2019]", None, "snippets/f.md", FACT_LINE,
                r"more than 50 '\[' open at once"),
    "10000 unclosed [@": ("x " + "[@grishin-2019 " * 10000, None, "snippets/f.md", FACT_LINE,
                          r"more than 50 '\[' open at once"),
    "3000 nested ^[": ("x " + "^[" * 3000 + "@grishin-2019" + "]" * 3000, None,
                       "snippets/f.md", FACT_LINE, r"more than 50 '\[' open at once"),
    "yaml alias bomb": ("x [@grishin-2019]", "title: t\n" + ALIAS_BOMB, "snippets/f.md", 8,
                        r"YAML has too many values .*limit is 100,000"),
    "deep yaml flow": ("x [@grishin-2019]", "title: " + "[" * 10000 + "]" * 10000 + "\n",
                       "snippets/f.md", 2, r"YAML is nested too deeply .*limit is 50"),
    "deep yaml list": ("x [@grishin-2019]", "title: t\n" + DEEP_YAML_LIST, "snippets/f.md",
                       53, r"YAML is nested too deeply"),
}
BRIEFS = {
    "'x' * 10**8": ("{{ 'x' * 10**8 }}", r"repeated string or list would be too large"),
    "range(10**9)": ("{% for i in range(10**9) %}{% endfor %}", r"Range too big"),
    "nested loops": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}"
                     "{% endfor %}", r"too much work"),
    "nested loops over one range": ("{% set r = range(100000) %}{% for i in r %}"
                                    "{% for j in r %}{% endfor %}{% endfor %}",
                                    r"too much work"),
    "nested loops writing": ("{% for i in range(10000) %}{% for j in range(10000) %}xxxxxxxx"
                             "{% endfor %}{% endfor %}", r"(writes|makes) too much text"),
    "macro output kept in a variable": ("{% set ns = namespace(b='x' * 999999) %}{% macro f() %}"
                                        "{% for i in range(1000) %}{{ ns.b }}{% endfor %}"
                                        "{% endmacro %}{% set y = f() %}done",
                                        r"makes too much text"),
    "recursive macro with loops": ("{% macro f(n) %}{% for i in range(10) %}{{ f(n + 1) }}"
                                   "{% endfor %}{% endmacro %}{{ f(0) }}",
                                   r"macros call each other more than 50 deep"),
    "'%s' width": ("{{ '%10000000000s' % 'x' }}", r"formatted string would be too large"),
    "format width": ("{{ '{:1000000000}'.format('x') }}", r"formatted string"),
    "join of a range": ("{{ range(10**7)|join(',') }}", r"Range too big"),
    "join with a long separator": ("{{ range(100000)|join('x' * 100000) }}",
                                   r"'join' filter would be too large"),
    "replace": ("{{ ('x' * 1000)|replace('x', 'y' * 100000) }}",
                r"'replace' filter would be too large"),
    "wordwrap": ("{{ ('x ' * 1000)|wordwrap(1) * 10000 }}", r"too large"),
    "lipsum": ("{{ lipsum(10**6) }}", r"lipsum text would be too large"),
    "ljust": ("{{ 'x'.ljust(10**9) }}", r"too large"),
    "namespace doubling": ("{% set ns = namespace(x='x') %}{% for i in range(60) %}"
                           "{% set ns.x = ns.x ~ ns.x %}{% endfor %}{{ ns.x }}",
                           r"namespace value 'x' would be too large"),
    "macro doubling": ("{% macro f(s, n) %}{% if n < 45 %}{{ f(s ~ s, n + 1) }}{% endif %}"
                       "{% endmacro %}{{ f('x', 0) }}", r"argument would be too large"),
    "deep if": ("{% if 1 %}" * 2000 + "x" + "{% endif %}" * 2000,
                r"block tags nested more than 20 deep"),
    "deep parentheses": ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
                         r"brackets nested more than 20 deep"),
}


def assert_one_error(result: subprocess.CompletedProcess[str], where: str, line: int,
                     message: str) -> None:
    """Exit 1, one ``error: file:line: message`` line, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {where}:{line}: "), lines[0]
    assert re.search(message, lines[0]), lines[0]


def assert_check_finds(result: subprocess.CompletedProcess[str], where: str, line: int,
                       message: str) -> None:
    """``check`` exits 1 with the problem located, and no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stdout
    assert any(s.startswith(f"{where}:{line}:") and re.search(message, s)
               for s in result.stdout.splitlines()), result.stdout


@pytest.mark.parametrize("case", FACTS)
def test_hostile_fact(make_library: LibraryMaker, case: str) -> None:
    body, front, where, line, message = FACTS[case]
    root = make_library.root
    if front is None:
        make_library.fact("f", body)
    else:
        make_library.fact("f", body, front=front)
    make_library.brief('{{ fact("f") }}', name="b")
    assert_one_error(run(root, "build", "briefs/b.md"), where, line, message)
    assert not (root / "build").exists()
    assert_check_finds(run(root, "check", "--no-cache"), where, line, message)


@pytest.mark.parametrize("case", BRIEFS)
def test_hostile_brief(make_library: LibraryMaker, case: str) -> None:
    body, message = BRIEFS[case]
    root = make_library.root
    make_library.brief(body, name="b")
    assert_one_error(run(root, "build", "briefs/b.md"), "briefs/b.md", BRIEF_LINE, message)
    assert not (root / "build").exists()
    assert_check_finds(run(root, "check", "--no-cache"), "briefs/b.md", BRIEF_LINE, message)


def test_large_numbers_still_render(make_library: LibraryMaker) -> None:
    """Limits are on sizes, not on values: sums of money format as before."""
    make_library.brief("{{ '{:,}'.format(2500000) }} {{ '%d'|format(7500000) }} "
                       "{{ 12345678|round }} {{ range(3)|join(', ') }}", name="b")
    result = run(make_library.root, "build", "briefs/b.md")
    assert result.returncode == 0, result.stderr
    import docx

    text = "\n".join(p.text for p in docx.Document(str(make_library.root / "build" /
                                                       "b.docx")).paragraphs)
    assert "2,500,000 7500000 12345678 0, 1, 2" in text


@pytest.mark.parametrize("template", [
    "{{ 'x' * 10**8 }}",
    "{{ '[' * 20000 }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
])
def test_hostile_style(make_library: LibraryMaker, template: str) -> None:
    root = make_library.root
    (root / "styles").mkdir()
    (root / "styles" / "mine.yaml").write_text(
        f"types:\n  default:\n    full: \"{template}\"\n", encoding="utf-8")
    make_library.fact("f", "Over 600 unions were refused. [@grishin-2019, 3]")
    make_library.brief('{{ fact("f") }}', name="b", front=STYLE_BRIEF_FRONT)
    message = r"style template for 'full' \(online\): .*(too large|too much work|open at once)"
    assert_one_error(run(root, "build", "briefs/b.md"), "styles/mine.yaml", 3, message)
    assert_check_finds(run(root, "check", "--no-cache"), "styles/mine.yaml", 3, message)


@pytest.mark.parametrize("field", ["title", "author"])
def test_deeply_nested_bib_braces(make_library: LibraryMaker, field: str) -> None:
    root = make_library.root
    value = "{" * 5000 + "x" + "}" * 5000
    entry = ("@online{deep,\n  author = {A, B},\n  title = {T},\n  date = {2019},\n}\n"
             .replace(f"{field} = {{{'A, B' if field == 'author' else 'T'}}}",
                      f"{field} = {{{value}}}"))
    (root / "sources.bib").write_text((root / "sources.bib").read_text() + entry)
    make_library.fact("f", "Over 600 unions were refused. [@grishin-2019, 3]")
    make_library.brief('{{ fact("f") }}', name="b")
    line = (root / "sources.bib").read_text().count("\n") - 4
    message = r"braces more than 32 deep"
    assert_one_error(run(root, "build", "briefs/b.md"), "sources.bib", line, message)
    assert_check_finds(run(root, "check", "--no-cache"), "sources.bib", line, message)


@pytest.mark.parametrize("body", [
    "x " + "*" * 100000 + " [@grishin-2019]",
    "".join(">" * i + " x\n" for i in range(1, 3000)) + "\n[@grishin-2019]",
    "".join("  " * i + "- x\n" for i in range(1500)) + "\n[@grishin-2019]",
    "x " + "^[" * 49 + "@grishin-2019" + "]" * 49,
], ids=["100000 stars", "nested blockquotes", "nested lists", "49 nested notes"])
def test_bounded_markdown(make_library: LibraryMaker, body: str) -> None:
    """Deep but bounded Markdown builds, or fails with an ordinary located error."""
    make_library.fact("f", body)
    make_library.brief('{{ fact("f") }}', name="b")
    result = run(make_library.root, "build", "briefs/b.md")
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    if result.returncode:
        assert re.match(r"error: snippets/f\.md:\d+: ", result.stderr), result.stderr


def test_deep_but_allowed_braces_build(make_library: LibraryMaker) -> None:
    root = make_library.root
    deep = "{" * 31 + "x" + "}" * 31  # with the entry's own brace: 32 deep
    (root / "sources.bib").write_text((root / "sources.bib").read_text() +
                                      f"@online{{deep, author = {deep}, title = {deep}, "
                                      "date = {2019}}\n")
    make_library.fact("f", "Over 600 unions were refused. [@deep, 3]")
    make_library.brief('{{ fact("f") }}', name="b")
    result = run(root, "build", "briefs/b.md")
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- invariant 8

def unescape(text: str, codes: dict[str, str]) -> str:
    """Undo an escape as GitHub's runner does: every code but %25, then %25."""
    for code, char in codes.items():
        text = text.replace(code, char)
    return text.replace("%25", "%")


PROPERTY_CODES = {"%0D": "\r", "%0A": "\n", "%3A": ":", "%2C": ","}
DATA_CODES = {"%0D": "\r", "%0A": "\n"}


def parse_annotation(line: str) -> dict[str, str]:
    """A workflow command line read back as GitHub reads it."""
    assert line.startswith("::")
    end = line.index("::", 2)
    command, _, props = line[2:end].partition(" ")
    fields = {"command": command, "message": unescape(line[end + 2 :], DATA_CODES)}
    for prop in props.split(","):
        key, _, value = prop.partition("=")
        fields[key] = unescape(value, PROPERTY_CODES)
    return fields


TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@settings(max_examples=300, deadline=None)
@given(path=TEXT, message=TEXT, rule=st.sampled_from(["bib-syntax", "uncited-claim"]),
       line=st.integers(1, 10**6))
def test_github_annotation_round_trips(path: str, message: str, rule: str, line: int) -> None:
    problem = Problem(path, line, 3, "error", message, rule)
    text = as_github(problem)
    assert "\n" not in text and "\r" not in text
    fields = parse_annotation(text)
    assert fields == {"command": "error", "file": path, "line": str(line), "col": "3",
                      "title": rule, "message": message}


def test_check_github_output_cannot_be_forged(make_library: LibraryMaker) -> None:
    root = make_library.root
    make_library.fact("a,b:c%d", "Over 600 unions [@grishin-2019, 3].")
    make_library.fact("forged", "It rose by 50%, costs::error file=x: 3 were refused.")
    github = run(root, "check", "--no-cache", "--format", "github")
    listed = json.loads(run(root, "check", "--no-cache", "--format", "json").stdout)
    lines = github.stdout.split("\n")[:-1]
    assert len(lines) == len(listed["problems"]) >= 2
    for line, problem in zip(lines, listed["problems"], strict=True):
        fields = parse_annotation(line)
        assert fields["file"] == problem["path"]
        assert fields["message"] == problem["message"]
        assert fields["command"] == problem["severity"]
    assert any(",".join(["a", "b:c%d"]) in f for f in (parse_annotation(x)["file"]
                                                     for x in lines))


BROKEN_BIB = "@online{bad,\n  title = {x\n@article{y, title = {ok}, date = {2019}}\n"


@pytest.mark.parametrize("command", [["build", "briefs/b.md"], ["check", "--no-cache"],
                                     ["source", "import", "broken.bib"], ["fmt", "--check"]])
def test_bibtexparser_logs_stay_quiet(make_library: LibraryMaker, command: list[str]) -> None:
    root = make_library.root
    (root / "broken.bib").write_text(BROKEN_BIB)
    if command[0] != "source":
        (root / "sources.bib").write_text((root / "sources.bib").read_text() + BROKEN_BIB)
    make_library.fact("f", "Over 600 unions were refused. [@grishin-2019, 3]")
    make_library.brief('{{ fact("f") }}', name="b")
    result = run(root, *command)
    assert "Traceback" not in result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith(("error: ", "kept an unreadable entry")), result.stderr
