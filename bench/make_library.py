"""Generate a synthetic fact library for benchmarks: facts, sources, archives, briefs.

    python bench/make_library.py /tmp/biglib --facts 10000 --sources 5000

Sources and facts are made from a fixed vocabulary with a fixed seed, so runs are
comparable. One source in five has an archived copy; facts quote from those copies
(verbatim, so the library checks clean), cite with signals and pinpoints, and state
figures and dates.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = (
    "union workers strike registration court government committee law freedom association "
    "collective bargaining convention report federation leaders arrest detention sentence "
    "appeal ministry labour code criminal article oil sector region protest fine "
    "authorities independent confederation members rights"
)
WORDS = tuple(VOCABULARY.split())
TYPES = ("report", "online", "article", "book")


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize()


def source_entry(i: int, rng: random.Random, archived: bool) -> str:
    kind = TYPES[i % len(TYPES)]
    fields = {
        "title": sentence(rng, 8),
        "author": f"{{Organisation {i % 97}}}",
        "date": f"{2010 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}",
    }
    if kind in ("report", "online"):
        fields["url"] = f"https://example.org/{kind}/{i}"
        fields["institution"] = f"Institute {i % 31}"
    if kind == "article":
        fields["journaltitle"] = f"Journal {i % 43}"
    if kind == "book":
        fields["publisher"] = f"Press {i % 17}"
    if archived:
        fields["file"] = f"sources/archive/s{i}.txt"
    body = ",\n".join(f"  {k:<12} = {{{v}}}" for k, v in fields.items())
    return f"@{kind}{{s{i},\n{body},\n}}\n"


def archive_text(rng: random.Random) -> str:
    return "\n\n".join(sentence(rng, 40) + "." for _ in range(8))


def fact_text(i: int, rng: random.Random, sources: int, archives: dict[int, str]) -> str:
    a, b = rng.randrange(sources), rng.randrange(sources)
    paragraphs = [f"In {2010 + i % 12}, {i % 500 + 2} workers were affected: "
                  f"{sentence(rng, 14).lower()}. [@s{a}, {1 + i % 40}]"]
    if archives and i % 3 == 0:
        key = rng.choice(list(archives))
        words = archives[key].split()
        start = rng.randrange(0, 200)
        quote = " ".join(words[start : start + 10]).rstrip(".")
        paragraphs.append(f'The source said that "{quote}." [see @s{key}, {1 + i % 9}]')
    paragraphs.append(f"{sentence(rng, 20)}. [@s{a}; see also @s{b}, ¶ {i % 60 + 1}]")
    front = (f"---\ntitle: \"Fact {i}: {sentence(rng, 6)}\"\ntags: [t{i % 50}, bench]\n"
             f"as_of: 2019-{1 + i % 12:02d}-{1 + i % 28:02d}\n---\n")
    return front + "\n\n".join(paragraphs) + "\n"


def brief_text(i: int, facts: list[str]) -> str:
    calls = "\n\n".join(f'{{{{ fact("{f}") }}}}' for f in facts)
    return (f"---\ntemplate: pre-hearing-brief\ntitle: Bench brief {i}\ndocket: B-{i}\n"
            f"filing_date: 2020-01-17\npetitioner:\n  name: Bench Union\n---\n"
            f"# I. Facts\n\n{calls}\n")


def generate(out: Path, facts: int, sources: int, briefs: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    (out / "sources" / "archive").mkdir(parents=True)
    (out / "templates").mkdir()
    (out / "briefs").mkdir()
    shutil.copy(ROOT / "templates" / "pre-hearing-brief.docx", out / "templates")
    archives = {}
    entries = []
    for i in range(sources):
        archived = i % 5 == 0
        if archived:
            archives[i] = archive_text(rng)
            (out / "sources" / "archive" / f"s{i}.txt").write_text(archives[i])
        entries.append(source_entry(i, rng, archived))
    (out / "sources.bib").write_text("\n".join(entries), encoding="utf-8")
    ids = []
    for i in range(facts):
        folder = out / "snippets" / f"topic{i % 40}"
        folder.mkdir(parents=True, exist_ok=True)
        fact_id = f"fact-{i:05d}"
        ids.append(fact_id)
        (folder / f"{fact_id}.md").write_text(fact_text(i, rng, sources, archives),
                                              encoding="utf-8")
    for i in range(briefs):
        (out / "briefs" / f"brief-{i}.md").write_text(
            brief_text(i, ids[i * 50 : i * 50 + 50]), encoding="utf-8")
    (out / "drafting.yaml").write_text("check:\n  today: 2020-06-01\n  stale_after_days: 3650\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--facts", type=int, default=10_000)
    parser.add_argument("--sources", type=int, default=5_000)
    parser.add_argument("--briefs", type=int, default=10)
    args = parser.parse_args()
    generate(args.out, args.facts, args.sources, args.briefs)
    print(f"wrote {args.out}: {args.facts} facts, {args.sources} sources, {args.briefs} briefs")


if __name__ == "__main__":
    main()
