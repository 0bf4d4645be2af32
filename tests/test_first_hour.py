"""A new user's first hour, through the command line, start to finish."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SOURCES = """\
@online{hrw-2018-attack,
  author = {{Human Rights Watch}},
  title = {Kazakhstan: Attack on Trade Union Leader},
  date = {2018-11-12},
  url = {https://www.hrw.org/news/2018/11/12/kazakhstan-attack-trade-union-leader},
}
@report{ilo-cas-2019,
  author = {{International Labour Organization}},
  title = {Report of the Committee on the Application of Standards},
  institution = {International Labour Organization},
  date = {2019-06},
  url = {https://www.ilo.org/cas.pdf},
}
"""


def drafting(*args: object, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "drafting", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, input=stdin)


def test_the_first_hour(tmp_path: Path) -> None:
    lib = tmp_path / "ourlib"
    assert drafting("init", lib, "--style", "house", cwd=tmp_path).returncode == 0
    added = drafting("source", "add", cwd=lib, stdin=SOURCES)
    assert added.returncode == 0 and "added 2 sources" in added.stdout
    for fact, cite, text in (
            ("senyavskii-attack", "hrw-2018-attack, 2",
             "Unidentified assailants attacked a union leader at his home in November 2018."),
            ("cas-special-paragraph", "ilo-cas-2019, 198",
             "The ILO Committee placed the case in a special paragraph in June 2019."),
            ("cas-labour-rights", "ilo-cas-2019, 199",
             "The Committee found that labour rights were not respected in 2019.")):
        made = drafting("fact", "new", fact, "--cite", cite, "--text", text, cwd=lib)
        assert made.returncode == 0, made.stderr

    shown = drafting("template", "show", "notice-of-intent", cwd=lib)
    assert shown.returncode == 0 and "petitioner.address" in shown.stdout
    body = ('# I. Facts\n\n{{ fact("senyavskii-attack") }}\n\n{{ fact("cas-special-paragraph") }}'
            '\n\n{{ fact("cas-labour-rights") }}\n')
    brief = lib / "briefs" / "notice.md"
    brief.write_text("---\ntemplate: notice-of-intent\ntitle: Kazakhstan\n---\n" + body,
                     encoding="utf-8")
    missing = drafting("build", brief, cwd=lib)
    assert missing.returncode == 1
    assert "docket, petitioner.name, filing_date, witness, hearing_date, hearing_subject, " \
        "petitioner.address, petitioner.email" in missing.stderr  # all at once
    front = shown.stdout.split("front matter to paste (--- lines around it):\n")[1]
    brief.write_text("---\n" + front.replace("'...'", "'Filled in'") + "---\n" + body,
                     encoding="utf-8")
    built = drafting("build", brief, cwd=lib)
    assert built.returncode == 0, built.stderr
    assert "(3 footnotes, 3 facts)" in built.stdout

    checked = drafting("check", cwd=lib)
    assert ": error: " not in checked.stdout, checked.stdout

    renamed = drafting("fact", "rename", "cas-labour-rights", "cas-labor-rights", cwd=lib)
    assert renamed.returncode == 0 and "1 other file changed: briefs/notice.md" in renamed.stdout
    body = body.replace("cas-labour-rights", "cas-labor-rights")
    found = drafting("fact", "search", "labor", cwd=lib)  # the fact says "labour"
    assert found.returncode == 0 and "cas-labor-rights" in found.stdout

    assert drafting("build", brief, cwd=lib).returncode == 0
    text = brief.read_text(encoding="utf-8")
    swapped = text.replace('{{ fact("cas-special-paragraph") }}\n\n{{ fact("cas-labor-rights") }}',
                           '{{ fact("cas-labor-rights") }}\n\n{{ fact("cas-special-paragraph") }}')
    assert swapped != text
    brief.write_text(swapped, encoding="utf-8")
    changes = drafting("build", brief, "--changes", cwd=lib)
    assert changes.returncode == 0, changes.stderr
    # the same citations, moved: each paired with the note it was, its new form shown
    assert "note 2 (was note 3): text changed: “Id. at 199.” → “International Labour " \
        "Organization, Report of the Committee on the Application of Standards 199" \
        in changes.stdout
    assert "note 3 (was note 2): text changed: “International Labour" in changes.stdout
    assert "→ “Id. at 198.”" in changes.stdout
