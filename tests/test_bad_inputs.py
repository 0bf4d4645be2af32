"""Every kind of broken input gives one clear error and never hurts existing output."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from drafting.cli import cli

HERE = Path(__file__).resolve().parent / "bad_inputs"
ROOT = HERE.parent.parent
CASES = sorted(p.name for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))
PREVIOUS = b"the build from yesterday"


def make(root: Path, spec: dict) -> None:
    """Generate a file a case needs (too big or binary to keep in the repository)."""
    path = root / spec["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists():
        path.unlink()
    kind = spec["kind"]
    if kind == "text" and "text" in spec:
        path.write_text(spec["text"], encoding="utf-8")
    elif kind == "symlink":
        path.symlink_to(spec["target"])
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "big":
        with path.open("w", encoding="utf-8") as handle:
            handle.write("---\ntitle: big\n---\n")
            line = "Words words words [@grishin-2019].\n" * 1000
            for _ in range(spec["megabytes"] * 1024 * 1024 // len(line) + 1):
                handle.write(line)
    elif kind == "zipbomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
            bomb.writestr("[Content_Types].xml", "<Types/>")
            with bomb.open("word/document.xml", "w") as member:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(spec["megabytes"]):
                    member.write(chunk)
    elif kind == "random":
        path.write_bytes(os.urandom(spec["megabytes"] * 1024 * 1024))
    elif kind == "text":  # head, `repeat` × times, middle, `close` × times, tail
        times = spec["times"]
        path.write_text(spec.get("head", "") + spec["repeat"] * times + spec.get("middle", "")
                        + spec.get("close", "") * times + spec.get("tail", ""), encoding="utf-8")
    elif kind == "truncate":
        data = (ROOT / "templates" / path.name).read_bytes()
        path.write_bytes(data[: spec["size"]])
    elif kind == "template-part":
        patch_template(path, spec)
    elif kind == "docx":
        import docx

        document = docx.Document()
        for text in spec["paragraphs"]:
            document.add_paragraph(text)
        document.save(str(path))
    else:
        raise AssertionError(f"unknown maker {kind}")


def patch_template(path: Path, spec: dict) -> None:
    """A shipped template with one part replaced (``find``/``replace``) or added
    (``text``, related to the document as ``relate``)."""
    source = zipfile.ZipFile(ROOT / "templates" / path.name)
    parts = {name: source.read(name) for name in source.namelist()}
    name = spec["part"]
    if "find" in spec:
        parts[name] = parts[name].replace(spec["find"].encode(), spec["replace"].encode(), 1)
    else:
        parts[name] = spec["text"].encode()
    if spec.get("relate"):
        rels = "word/_rels/document.xml.rels"
        kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        target = name.removeprefix("word/")
        parts[rels] = parts[rels].replace(b"</Relationships>", (
            f'<Relationship Id="rId999" Type="{kind}{spec["relate"]}" Target="{target}"/>'
            "</Relationships>").encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for part, data in parts.items():
            out.writestr(part, data)


def library(tmp_path: Path, case: str) -> tuple[Path, dict]:
    root = tmp_path / "lib"
    shutil.copytree(HERE / "_base", root)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(HERE / case, root, dirs_exist_ok=True)
    (root / "case.yaml").unlink()
    spec = yaml.safe_load((HERE / case / "case.yaml").read_text(encoding="utf-8"))
    for item in spec.get("make", []):
        make(root, item)
    return root, spec


def files(root: Path) -> dict[str, bytes | None]:
    """Every file of the library (outside the cache) and its bytes (None: not a plain file)."""
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() and not p.is_symlink()
            else None for p in root.rglob("*") if ".drafting-cache" not in p.parts}


@pytest.mark.parametrize("case", CASES)
def test_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    root, spec = library(tmp_path, case)
    monkeypatch.chdir(root)
    (root / "build").mkdir(exist_ok=True)
    previous = root / "build" / "brief.docx"
    previous.write_bytes(PREVIOUS)
    before = files(root)
    result = CliRunner().invoke(cli, spec.get("command", ["build", "briefs/brief.md"]))
    if spec["expect"] == "ok":
        assert result.exit_code == 0, result.output
        import docx

        text = "\n".join(p.text for p in docx.Document(str(previous)).paragraphs)
        for wanted in spec["contains"]:
            assert wanted in text
        return
    assert result.exit_code == spec["exit"], result.output
    assert isinstance(result.exception, SystemExit), result.exception  # no traceback
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    if spec["exit"] == 1:
        assert lines and all(line.startswith("error: ") for line in lines), result.stderr
    assert re.search(spec["message"], result.stderr), result.stderr
    assert previous.read_bytes() == PREVIOUS
    assert files(root) == before  # no output, no temporary file, no input changed


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        spec = yaml.safe_load((HERE / case / "case.yaml").read_text(encoding="utf-8"))
        assert spec["description"], case
