"""Property tests: random libraries and citation sequences build into sound documents."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.build import build
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
TYPES = ("report", "online", "book", "legislation", "jurisdiction")
NAMES = ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot")


def entry(index: int, kind: str) -> str:
    name = NAMES[index]
    fields = {"title": f"Source {name} Title", "date": "2019", "institution": "Institute",
              "url": f"https://example.org/{name.lower()}"}
    if kind in ("report", "online", "book"):
        fields.update(author=f"{{Author {name}}}", shorthand=f"SH{name}")
    if kind == "jurisdiction":
        fields.update(volume="12", reporter="F.3d", pages="100", court="2d Cir.")
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@{kind}{{k{index},\n{body}\n}}\n"


notes_strategy = st.lists(
    st.one_of(
        st.tuples(st.just("single"), st.lists(st.integers(0, 5), min_size=1, max_size=1),
                  st.sampled_from(["", "5", "¶ 3", "§ 12"])),
        st.tuples(st.just("string"), st.lists(st.integers(0, 5), min_size=2, max_size=3,
                                              unique=True), st.just("")),
        st.tuples(st.just("free"), st.lists(st.integers(0, 5), min_size=1, max_size=1),
                  st.just("")),
    ),
    min_size=1, max_size=12,
)


def brief_body(notes: list[tuple[str, list[int], str]]) -> str:
    paragraphs = []
    for number, (kind, keys, pin) in enumerate(notes, start=1):
        if kind == "free":
            paragraphs.append(f"Claim {number}.^[For example, see [@k{keys[0]}].]")
        else:
            items = "; ".join(f"@k{k}" + (f", {pin}" if pin else "") for k in keys)
            paragraphs.append(f"Claim {number}. [{items}]")
    return "\n\n".join(paragraphs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(TYPES), min_size=6, max_size=6), notes=notes_strategy)
def test_random_briefs_build_with_sound_footnotes(kinds: list[str], notes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "snippets").mkdir()
        (root / "briefs").mkdir()
        shutil.copytree(ROOT / "templates", root / "templates")
        (root / "sources.bib").write_text("\n".join(entry(i, k) for i, k in enumerate(kinds)))
        brief = root / "briefs" / "random.md"
        brief.write_text("---\ntemplate: pre-hearing-brief\ntitle: T\ndocket: D\n"
                         "filing_date: 2020-01-17\npetitioner: {name: U}\n---\n"
                         + brief_body(notes) + "\n", encoding="utf-8")
        out = root / "random.docx"
        result = build(brief, out)
        assert result.footnotes == len(notes)
        docx.Document(str(out))  # opens
        refs, texts = read_footnotes(out)
        assert refs == list(range(1, len(notes) + 1)) == [n.id for n in texts]
        check_forms(kinds, notes, [n.text for n in texts])


def check_forms(kinds: list[str], notes, texts: list[str]) -> None:
    """Id. exactly where the previous note cites only that authority (unless it had a
    pinpoint and this cites the whole work), alone exactly when the pinpoint is the same;
    supra only to the note holding the full citation, never for statutes and cases."""
    first_note: dict[int, int] = {}
    previous: set[int] = set()
    previous_pin = ""
    for number, ((_, keys, pin), text) in enumerate(zip(notes, texts, strict=True), start=1):
        text = text.replace("\u00a0", " ")
        plain = text.removeprefix("For example, see ")
        starts_with_id = re.match(r"^[Ii]d\.", plain) is not None
        expect_id = previous == {keys[0]} and not (previous_pin and not pin)
        assert starts_with_id == expect_id, (number, text, previous, keys)
        if expect_id:
            assert re.match(r"[Ii]d\.(;|$)", plain) if pin == previous_pin else \
                plain.startswith(f"Id. {'at ' if pin[0].isdigit() else ''}{pin}"), (number, text)
        previous_pin = pin
        supras = list(re.finditer(r"SH(\w+), supra note (\d+)", text))
        assert text.count("supra note") == len(supras), text  # only sources with a full cite
        for match in supras:
            key = NAMES.index(match[1])
            target = int(match[2])
            assert first_note[key] == target, (number, text)
            assert f"Source {match[1]} Title" in texts[target - 1]
            assert f"[hereinafter SH{match[1]}]" in texts[target - 1]
            assert kinds[key] not in ("legislation", "jurisdiction")
        for key in keys:
            if key not in first_note:
                first_note[key] = number
                assert f"Source {NAMES[key]} Title" in text, (number, text)
        previous = set(keys)
