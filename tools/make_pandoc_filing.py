"""Make tests/data/pandoc-filing.docx: the reference filing as another tool writes it.

The reference filing (../shared/seeds/000_f45d67b6e4410629.txt) marks its footnotes
as ``<sup>N</sup>``; this turns them into pandoc's ``[^N]`` footnotes and has pandoc
(pypandoc-binary, the ``bench`` extra) write a .docx with real Word footnotes. The
Markdown and the .docx are committed, so the tests need neither ../shared nor pandoc.

    python tools/make_pandoc_filing.py [SEED]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_f45d67b6e4410629.txt"
MARK = re.compile(r"<sup>(\d+)</sup>")
DEFINITION = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$")


def pandoc_markdown(text: str) -> str:
    """The filing with ``[^N]`` marks and ``[^N]: text`` definitions at the end."""
    body: list[str] = []
    notes: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        definition = DEFINITION.match(line)
        if definition:
            current = definition[1]
            notes[current] = [definition[2].strip()]
        elif current and line.strip():
            notes[current].append(line.strip())
        else:
            current = None
            body.append(MARK.sub(r"[^\1]", line.replace("<sup>th</sup>", "^th^")))
    definitions = [f"[^{n}]: {' '.join(lines)}" for n, lines in notes.items()]
    return "\n".join(body).rstrip() + "\n\n" + "\n\n".join(definitions) + "\n"


def main() -> None:
    import pypandoc

    seed = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED
    # the seed escapes its escapes (``ed\\_norm``): one backslash is what an author typed
    markdown = pandoc_markdown(seed.read_text(encoding="utf-8").replace("\\\\_", "\\_"))
    source = ROOT / "tests" / "data" / "pandoc-filing.md"
    source.write_text(markdown, encoding="utf-8")
    pypandoc.convert_file(str(source), "docx", format="markdown-smart",
                          outputfile=str(source.with_suffix(".docx")))
    print(f"wrote {source.with_suffix('.docx').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
