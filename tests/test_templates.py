"""What templates ask of a brief: ``template list``/``show``, and every missing field
reported at once by ``build`` and ``check``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli
from drafting.templates import template_fields

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_fields_of_a_template() -> None:
    fields = {f.name: f for f in template_fields(ROOT / "templates" / "notice-of-intent.docx")}
    required = {n for n, f in fields.items() if f.required}
    assert required == {"title", "docket", "petitioner.name", "filing_date", "witness",
                        "hearing_date", "hearing_subject", "petitioner.address",
                        "petitioner.email"}
    assert not fields["subtitle"].required  # {% if subtitle is defined %}
    assert fields["agency"].default == "United States Trade Representative"
    assert fields["hearing_date"].date and not fields["witness"].date


@pytest.mark.parametrize("name", ["notice-of-intent", "notice-and-pre-hearing-brief",
                                  "pre-hearing-brief", "post-hearing-brief"])
def test_the_front_matter_template_show_gives_builds(fresh: Path, name: str,
                                                     tmp_path: Path) -> None:
    """Paste what ``template show`` prints, fill in the dots: the brief builds."""
    shown = run("template", "show", name)
    assert shown.exit_code == 0, shown.output
    front = shown.output.split("front matter to paste (--- lines around it):\n")[1]
    front = front.replace("'...'", "'Filled'")
    brief = fresh / "briefs" / "pasted.md"
    brief.write_text(f"---\n{front}---\nA paragraph of the brief.\n", encoding="utf-8")
    built = run("build", brief, "-o", tmp_path / "out.docx")
    assert built.exit_code == 0, built.output


def test_every_missing_field_is_reported_at_once(fresh: Path, tmp_path: Path) -> None:
    brief = fresh / "briefs" / "notice.md"
    brief.write_text("---\ntemplate: notice-of-intent\ntitle: T\npetitioner:\n  name: P\n---\n"
                     "Text.\n", encoding="utf-8")
    wanted = ("template notice-of-intent needs front-matter fields this brief does not give: "
              "docket, filing_date, witness, hearing_date, hearing_subject, "
              "petitioner.address, petitioner.email; add them")
    built = run("build", brief, "-o", tmp_path / "out.docx")
    assert built.exit_code == 1 and wanted in built.output
    assert built.output.count("\n") == 1  # one line
    assert "dict object" not in built.output
    checked = run("check")
    assert wanted in checked.output


def test_template_list_and_an_unknown_template(fresh: Path) -> None:
    listed = run("template", "list")
    assert listed.exit_code == 0
    assert "notice-of-intent" in listed.output and "4 templates" in listed.output
    unknown = run("template", "show", "notice")
    assert unknown.exit_code == 1 and "no template 'notice'" in unknown.output


def test_check_reports_build_problems_beside_the_others(fresh: Path) -> None:
    """A brief with an uncited claim of its own and a missing template field: both in
    one run (the build's problem is not hidden by the other), and a fact's unknown key
    is said once, not again as a build problem."""
    import json

    fact = next((fresh / "snippets").rglob("*.md"))
    text = fact.read_text(encoding="utf-8")
    fact.write_text(text.replace("[@hrw-2016-cas-dispatch", "[@nokey-2016"), encoding="utf-8")
    (fresh / "briefs" / "n.md").write_text(
        "---\ntemplate: notice-of-intent\ntitle: T\npetitioner:\n  name: P\n---\n"
        f"In 2019, 42 percent of unions closed.\n\n{{{{ fact(\"{fact.stem}\") }}}}\n",
        encoding="utf-8")
    problems = json.loads(run("check", "--format", "json").output)["problems"]
    errors = sorted((p["path"], p["rule"]) for p in problems if p["severity"] == "error")
    assert errors == [("briefs/n.md", "brief-build"), ("briefs/n.md", "uncited-claim"),
                      (fact.relative_to(fresh).as_posix(), "unknown-key")]


def test_names_a_template_binds_itself_are_not_fields(tmp_path: Path) -> None:
    """A loop's variable, a {% set %} name and Jinja's globals (range) are the
    template's own: only what comes from the front matter is a field."""
    from conftest import rewrite_docx

    template = tmp_path / "t.docx"
    body = ("{% for p in parties %}{{ p.name }} {{ loop.index }}{% endfor %}"
            "{% set t = title %}{{ t }} {{ range(2)|length }} {{ docket }}")
    rewrite_docx(ROOT / "templates" / "notice-of-intent.docx", template,
                 lambda parts: parts.__setitem__("word/document.xml", parts[
                     "word/document.xml"].replace(b"{{ body }}", b"{{ body }}</w:t></w:r>"
                                                  b"</w:p><w:p><w:r><w:t>" + body.encode(), 1)))
    names = {f.name for f in template_fields(template)}
    assert {"parties", "title", "docket"} <= names
    assert not names & {"p.name", "loop.index", "t", "range"}, names


def test_a_template_checked_again_after_an_edit_of_the_same_size(tmp_path) -> None:
    """check_template keeps a template's parsed parts by its content: an edit that keeps
    its size is checked afresh (here it breaks the template)."""
    import shutil
    from pathlib import Path

    import pytest as _pytest

    from drafting.errors import DraftingError
    from drafting.word import check_template

    path = tmp_path / "t.docx"
    shutil.copy(Path(__file__).resolve().parent.parent / "templates" / "pre-hearing-brief.docx",
                path)
    check_template(path)
    data = path.read_bytes()
    at = len(data) // 3
    path.write_bytes(data[:at] + bytes([data[at] ^ 1]) + data[at + 1:])
    with _pytest.raises(DraftingError):
        check_template(path)
