"""Shared fixtures: small libraries written to a temporary folder."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SOURCES = """\
@report{ilo-cas-2019,
  title = {Report of the {ILO} Committee on the Application of Standards, Kazakhstan},
  institution = {International Labour Organization},
  date = {2019},
  url = {https://www.ilo.org/cas.pdf},
}
@online{grishin-2019,
  author = {Grishin, Andrei},
  organization = {Fergana News Agency},
  title = {A Country Under a Paragraph},
  date = {2019-07-15},
  url = {https://fergana.agency/articles/108990/},
}
@report{hrw-2016,
  author = {{Human Rights Watch}},
  title = {We Are Not the Enemy: Violations of Workers' Rights in Kazakhstan},
  shorthand = {HRW Report},
  institution = {Human Rights Watch},
  date = {2016-11},
  url = {https://www.hrw.org/report/2016/11/23/we-are-not-enemy},
}
@legislation{usc-19,
  title = {19 U.S.C.},
  year = {2018},
}
"""


class LibraryMaker:
    """Writes a small library: sources.bib, facts, briefs and a copied template."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "snippets").mkdir(parents=True)
        (root / "briefs").mkdir()
        (root / "templates").mkdir()
        shutil.copy(ROOT / "templates" / "pre-hearing-brief.docx", root / "templates")
        (root / "sources.bib").write_text(SOURCES, encoding="utf-8")
        (root / "drafting.yaml").write_text("check:\n  today: 2020-06-01\n", encoding="utf-8")

    def fact(
        self,
        fact_id: str,
        body: str,
        front: str = "title: A fact\ntags: [test]\nas_of: 2020-01-01\n",
    ) -> Path:
        path = self.root / "snippets" / f"{fact_id}.md"
        path.write_text(f"---\n{front}---\n{textwrap.dedent(body).strip()}\n", encoding="utf-8")
        return path

    def brief(self, body: str, name: str = "test", front: str = "") -> Path:
        path = self.root / "briefs" / f"{name}.md"
        meta = front or (
            "template: pre-hearing-brief\ntitle: Test Review\ndocket: USTR-0000\n"
            "filing_date: 2020-01-17\npetitioner:\n  name: Test Union\n"
        )
        path.write_text(f"---\n{meta}---\n{textwrap.dedent(body).strip()}\n", encoding="utf-8")
        return path


@pytest.fixture(autouse=True, scope="session")
def _sealing_key(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests' own key for sealed caches (not the user's ~/.cache/drafting/key)."""
    os.environ["DRAFTING_KEY_FILE"] = str(tmp_path_factory.mktemp("sealing") / "key")


@pytest.fixture
def make_library(tmp_path: Path) -> LibraryMaker:
    return LibraryMaker(tmp_path / "lib")


def copy_example(root: Path) -> Path:
    """A copy of the example library (its facts, briefs, templates, sources) at ``root``."""
    for part in ("snippets", "briefs", "templates", "sources"):
        shutil.copytree(ROOT / part, root / part)
    for name in ("sources.bib", "drafting.yaml"):
        shutil.copy(ROOT / name, root)
    return root


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example library, as the working folder."""
    root = copy_example(tmp_path / "library")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new library (``drafting init --style house``), as the working folder."""
    from click.testing import CliRunner

    from drafting.cli import cli

    root = tmp_path / "new"
    assert CliRunner().invoke(cli, ["init", str(root), "--style", "house"]).exit_code == 0
    monkeypatch.chdir(root)
    return root


#: The Python that has LibreOffice's ``uno`` module (Debian's python3-uno).
SYSTEM_PYTHON = "/usr/bin/python3"


def has_uno() -> bool:
    """Whether LibreOffice and its UNO bridge are here (tests that edit a document as a
    reviewer does need them; .ci/run installs them)."""
    import subprocess

    if not shutil.which("soffice") or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


def rewrite_docx(source: Path, target: Path, change) -> Path:
    """``source`` with ``change(parts)`` applied to its zip parts (a dict of bytes),
    saved as ``target``: an edit by hand, as another program or a careless user makes."""
    import zipfile

    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change(parts)
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return target
