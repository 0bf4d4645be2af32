"""Library upkeep: init, fact and source commands, renames, import and fmt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from click.testing import CliRunner

from drafting import bibfile
from drafting.check import run_check
from drafting.cli import cli
from drafting.wordread import read_footnotes

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)




def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".drafting-cache" not in p.parts}


def test_init_makes_a_library_that_checks_and_builds(tmp_path: Path, monkeypatch) -> None:
    result = run("init", tmp_path / "new")
    assert result.exit_code == 0, result.output
    monkeypatch.chdir(tmp_path / "new")
    assert run("check").output.strip() == "no problems"
    built = run("build", "briefs/example.md")
    assert built.exit_code == 0, built.output
    notes = read_footnotes(tmp_path / "new" / "build" / "example.docx")[1]
    # a new library cites in the Bluebook style (R. 15.1(c): "Hum. Rts. Watch", once)
    assert notes[0].text == ("Hum. Rts. Watch, [Dispatch on Kazakhstan Before the ILO "
                             "Committee on the Application of Standards] (June 2016).")
    assert run("init", tmp_path / "new").exit_code == 1  # not empty: refused


def test_init_offers_the_other_styles(tmp_path: Path, monkeypatch) -> None:
    assert run("init", tmp_path / "h", "--style", "house").exit_code == 0
    assert "style: house" in (tmp_path / "h" / "briefs" / "example.md").read_text()
    monkeypatch.chdir(tmp_path / "h")
    assert run("check").output.strip() == "no problems"
    assert run("build", "briefs/example.md").exit_code == 0
    notes = read_footnotes(tmp_path / "h" / "build" / "example.docx")[1]
    assert notes[0].text.startswith("Human Rights Watch, [Dispatch on Kazakhstan")
    assert run("init", tmp_path / "x", "--style", "nope").exit_code == 2


def test_skeleton_templates_match_the_shipped_ones() -> None:
    for template in (ROOT / "templates").glob("*.docx"):
        copy = ROOT / "drafting" / "skeleton" / "templates" / template.name
        assert copy.read_bytes() == template.read_bytes(), template.name


def test_fact_new_from_text_stdin_and_refusals(example: Path) -> None:
    result = run("fact", "new", "kz-strike-2022", "--tag", "strikes", "--tag", "oil",
                 "--cite", "grishin-2019, 4", "--dir", "kazakhstan",
                 "--text", "In 2022, oil workers struck in Zhanaozen.")
    assert result.exit_code == 0, result.output
    path = example / "snippets" / "kazakhstan" / "kz-strike-2022.md"
    text = path.read_text(encoding="utf-8")
    # the title from the first sentence, as_of the cited source's date (July 15, 2019)
    assert text.startswith("---\ntitle: In 2022, oil workers struck in Zhanaozen\n"
                           "tags: [strikes, oil]\nas_of: 2019-07-15\n")
    assert text.endswith("In 2022, oil workers struck in Zhanaozen. [@grishin-2019, 4]\n")
    assert run("fact", "new", "from-stdin", stdin="Read from stdin [@grishin-2019].\n"
               ).exit_code == 0
    assert "Read from stdin" in (example / "snippets" / "from-stdin.md").read_text()
    again = run("fact", "new", "kz-strike-2022", "--text", "x")
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert "not a usable fact id" in run("fact", "new", "../escape", "--text", "x").stderr
    assert "unknown source key 'grishn-2019' (did you mean 'grishin-2019'?)" in run(
        "fact", "new", "x1", "--text", "x", "--cite", "grishn-2019").stderr
    assert "not inside snippets" in run("fact", "new", "x2", "--text", "x",
                                        "--dir", "../..").stderr
    assert not any(p.rule.startswith(("fact", "front")) for p in run_check(example))


def test_fact_list_filters_and_json(example: Path) -> None:
    rows = json.loads(run("fact", "list", "--format", "json").output)
    assert len(rows) == 19
    tagged = json.loads(run("fact", "list", "--tag", "baltabai", "--format", "json").output)
    assert {r["id"] for r in tagged} == {"baltabai-2019-sentence", "baltabai-ngo-joint-statement",
                                         "baltabai-kharkova-free-2021"}
    cites = json.loads(run("fact", "list", "--source", "grishin-2019", "--format", "json").output)
    assert {r["id"] for r in cites} == {"decertified-unions-forced-fprk",
                                        "unions-denied-registration-600"}
    stale = run("fact", "list", "--stale")
    assert "0 facts" in stale.output  # judged as of the library's 2020-01-17
    table = run("fact", "list").output.splitlines()
    assert table[0].split() == ["id", "as_of", "tags", "sources", "title"]
    assert table[-1] == "19 facts"


def test_fact_show_renders_notes(example: Path) -> None:
    result = run("fact", "show", "ep-2019-resolution")
    assert result.exit_code == 0
    assert "restricted in the country.”[1]" in result.output
    assert "\n2 Id.\n" in result.output
    data = json.loads(run("fact", "show", "ep-2019-resolution", "--format", "json").output)
    assert data["notes"][0].startswith("European Parliament, Resolution on the human rights")


def test_fact_search_ranks_titles_first(example: Path) -> None:
    data = json.loads(run("fact", "search", "Senyavskii", "--format", "json").output)
    assert data[0]["fact_id"] == "senyavskii-2018-attack"
    strikes = [h["fact_id"] for h in json.loads(run("fact", "search", "strike", "oil",
                                                    "--format", "json").output)]
    assert strikes[:2] == ["zhanaozen-2019-detentions", "strikes-resolved-extractives"]
    assert run("fact", "search", "nothingmatchesthis").exit_code == 1
    fact = example / "snippets" / "kazakhstan" / "senyavskii-2018-attack.md"
    fact.write_text(fact.read_text().replace("Senyavskii", "Senyavsky")
                    .replace("[senyavskii,", "[senyavsky,"), encoding="utf-8")
    assert json.loads(run("fact", "search", "Senyavskii", "--format", "json").output) == []


def test_fact_used_by(example: Path) -> None:
    result = json.loads(run("fact", "used-by", "unions-denied-registration-600",
                            "--format", "json").output)
    assert [(r["path"], r["line"], r["notes"]) for r in result] == [
        ("briefs/kazakhstan-2020.md", 49, None), ("briefs/post-hearing-2020.md", 24, None)]
    assert run("build", "briefs/kazakhstan-2020.md").exit_code == 0
    result = json.loads(run("fact", "used-by", "unions-denied-registration-600",
                            "--format", "json").output)
    assert result[0]["notes"] == [9]  # the fact's one citation became footnote 9
    table = run("fact", "used-by", "fprk-state-control").output
    assert "briefs/kazakhstan-2020.md  35    brief  notes 6, 7" in table
    assert "unknown fact" in run("fact", "used-by", "nope").stderr


def test_source_used_by(example: Path) -> None:
    assert run("build", "briefs/kazakhstan-2020.md").exit_code == 0
    rows = json.loads(run("source", "used-by", "grishin-2019", "--format", "json").output)
    assert {(r["path"], r["how"]) for r in rows if r["how"] == "cites"} == {
        ("snippets/kazakhstan/decertified-unions-forced-fprk.md", "cites"),
        ("snippets/kazakhstan/unions-denied-registration-600.md", "cites")}
    built = [r for r in rows if r["path"] == "briefs/kazakhstan-2020.md"]
    assert built[0]["notes"] == [9, 10]
    assert "unknown source key" in run("source", "used-by", "nope").stderr


def test_build_changes(example: Path) -> None:
    first = run("build", "briefs/kazakhstan-2020.md", "--changes")
    assert "no earlier build to compare with" in first.output
    assert "no footnote changed" in run("build", "briefs/kazakhstan-2020.md",
                                         "--changes").output
    brief = example / "briefs" / "kazakhstan-2020.md"
    brief.write_text(brief.read_text().replace(
        '{{ fact("unions-denied-registration-600") }}',
        '{{ fact("unions-denied-registration-600") }} [@hrw-2016-not-the-enemy, 12]'))
    lines = run("build", "briefs/kazakhstan-2020.md", "--changes").output.splitlines()
    # aligned by content: the new citation is new; the old "Id." (of Grishin) is the
    # citation now printed as supra; the rest kept their text under new numbers
    assert lines[1].startswith("  note 10: new: “Human Rights Watch")
    assert lines[2] == "  note 11 (was note 10): text changed: “Id.” → “Grishin, supra note 9.”"
    assert lines[3] == "  notes 12–21: renumbered (were 11–20), same text"


def test_fact_rename_updates_every_use(example: Path) -> None:
    old = example / "snippets" / "kazakhstan" / "baltabai-2019-sentence.md"
    newer = example / "snippets" / "kazakhstan" / "baltabai-kharkova-free-2021.md"
    newer.write_text(newer.read_text().replace(
        "as_of: 2021-06-10", "as_of: 2021-06-10\nsuperseded_by: baltabai-2019-sentence"))
    result = run("fact", "rename", "baltabai-2019-sentence", "baltabai-2019-pardon-and-sentence")
    assert result.exit_code == 0, result.output
    assert not old.exists()
    assert old.with_name("baltabai-2019-pardon-and-sentence.md").exists()
    brief = (example / "briefs" / "kazakhstan-2020.md").read_text()
    assert '{{ fact("baltabai-2019-pardon-and-sentence") }}' in brief
    assert "superseded_by: baltabai-2019-pardon-and-sentence" in newer.read_text()
    assert run("build", "briefs/kazakhstan-2020.md").exit_code == 0


def test_rename_that_fails_halfway_changes_nothing(example: Path, monkeypatch) -> None:
    before = snapshot(example)
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        if Path(dst).name != ".drafting-journal.json":  # the second file of the rename
            calls.append(dst)
            if len(calls) == 2:
                raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    result = run("source", "rename", "grishin-2019", "grishin-fergana-2019")
    assert result.exit_code == 1 and "nothing was changed" in result.stderr
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(example) == before
    assert not list(example.rglob("*.tmp"))


def test_rename_refuses_when_a_file_cannot_be_read(example: Path) -> None:
    (example / "briefs" / "broken.md").write_bytes(b"---\ntemplate: x\n---\nCaf\xe9\n")
    before = snapshot(example)
    result = run("fact", "rename", "ep-2019-resolution", "ep-2019-res")
    assert result.exit_code == 1 and "not UTF-8" in result.stderr
    assert snapshot(example) == before


def test_source_rename_updates_citations_only(example: Path) -> None:
    fact = example / "snippets" / "extra.md"
    fact.write_text("---\ntitle: t\nas_of: 2020-01-01\n---\nA [see @grishin-2019, 5; "
                    "@ilo-cas-2019] b [@grishin-2019-bis] c [@grishin-2019].\n")
    with (example / "sources.bib").open("a") as bib:
        bib.write("\n@online{grishin-2019-bis,\n  title = {Other}, date = {2019},\n"
                  "  url = {https://a.org}, author = {A},\n}\n")
    result = run("source", "rename", "grishin-2019", "grishin-fergana-2019")
    assert result.exit_code == 0, result.output
    assert fact.read_text().endswith("A [see @grishin-fergana-2019, 5; @ilo-cas-2019] b "
                                     "[@grishin-2019-bis] c [@grishin-fergana-2019].\n")
    entries = bibfile.entries(bibfile.parse((example / "sources.bib").read_text()))
    assert "grishin-fergana-2019" in entries and "grishin-2019" not in entries
    assert "grishin-2019-bis" in entries
    assert "[@grishin-fergana-2019]" in (example / "snippets" / "kazakhstan" /
                                         "unions-denied-registration-600.md").read_text()
    assert run("build", "briefs/kazakhstan-2020.md").exit_code == 0
    assert "already exists" in run("source", "rename", "ilo-cas-2019",
                                   "grishin-fergana-2019").stderr


def test_source_add_and_duplicates(example: Path) -> None:
    entry = ("@report{ilo-2022,\n  title = {New report},\n  author = {{ILO}},\n"
             "  date = {2022},\n  url = {https://www.ilo.org/new-report},\n}\n")
    result = run("source", "add", stdin=entry)
    assert result.exit_code == 0 and "added 1 source: ilo-2022" in result.output
    again = run("source", "add", stdin=entry)
    assert again.exit_code == 1
    assert "skipped ilo-2022: duplicate of ilo-2022 (the same entry)" in again.output
    same_url = entry.replace("ilo-2022", "ilo-2022b").replace("New report", "Renamed")
    assert "duplicate of ilo-2022 (the same URL)" in run("source", "add", stdin=same_url).output
    assert "no BibTeX entry" in run("source", "add", stdin="just text").stderr
    assert run("source", "list").output.count("ilo-2022") == 1


def test_messy_export_round_trip(example: Path, tmp_path: Path) -> None:
    bib = example / "sources.bib"
    before = bib.read_bytes()
    refused = run("source", "import", DATA / "zotero-export.bib")
    assert refused.exit_code == 1
    assert refused.stderr.count("\n") == 1 and "zotero-export.bib:75: " in refused.stderr
    assert "broken_2020_missing_brace" in refused.stderr and bib.read_bytes() == before
    export = (DATA / "zotero-export.bib").read_text(encoding="utf-8")  # fixed by hand:
    export = export.replace("CITUK}} liquidation,", "CITUK}} liquidation},")
    export = export.replace("  % a comment line inside an entry, as some hand-edited "
                            "exports have\n", "")
    fixed = tmp_path / "fixed.bib"
    fixed.write_text(export, encoding="utf-8")
    result = run("source", "import", fixed)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "skipped ilo_2019_ApplicationStandards: duplicate of ilo-cas-2019 (the same URL)" in out
    assert "skipped sorbello_2019_MassBrawlKazakh: duplicate of sorbello-2019-brawl" in out
    assert "skipped hrw_2018_KazakhstanAttackTrade: duplicate of hrw-2018-attack" in out
    assert "skipped grishin_2019_CountryParagraph: duplicate of grishin-2019 " \
        "(a near-identical title)" in out
    assert "added 4 sources: Tsoi2018, kazakhstan_2015_labour_code, broken_2020_missing_brace, " \
        "ituc_2019_observations" in out
    # Zotero's attachments are not on this disk: reported, and no dangling path kept
    assert "note: kazakhstan_2015_labour_code: attachment /home/aa/Zotero/storage/QQ7/" \
        "code.html" in out
    wanted = bibfile.normalized_values(bibfile.parse(export))
    for fields in wanted.values():
        fields.pop("file", None)

    def assert_nothing_lost() -> None:
        text = bib.read_text(encoding="utf-8")
        have = bibfile.normalized_values(bibfile.parse(text))
        for key in ("Tsoi2018", "kazakhstan_2015_labour_code", "broken_2020_missing_brace",
                    "ituc_2019_observations"):
            assert have[key] == wanted[key]
        assert '@string{ilo = "International Labour Organization"}' in text
        assert "Трудовой кодекс" in text

    assert_nothing_lost()
    assert run("fmt").exit_code == 0
    assert_nothing_lost()
    assert run("fmt", "--check").exit_code == 0  # idempotent
    errors = [p for p in run_check(example, use_cache=False) if p.severity == "error"]
    assert not errors, errors  # no dangling Zotero paths left to fail archive-missing


def test_fmt_layout_and_check(example: Path) -> None:
    fact = example / "snippets" / "messy.md"
    fact.write_text("---\n# why this fact matters\nsource_note: from the 2019 mission\n"
                    "as_of: 2020-01-01\ntags:\n  - a\n  - b\ntitle: Messy\n---\n\n\n"
                    "Text with trailing spaces   \nand a hard break  \nhere [@grishin-2019]."
                    "\n\n\n\nSecond paragraph.\r\n")
    assert run("fmt", "--check").exit_code == 1
    assert run("fmt").exit_code == 0
    assert fact.read_text() == "\n".join([
        "---", "title: Messy", "tags:", "  - a", "  - b", "as_of: 2020-01-01",
        "# why this fact matters", "source_note: from the 2019 mission", "---",
        "Text with trailing spaces", "and a hard break  ", "here [@grishin-2019].", "",
        "Second paragraph.", ""])
    bib = (example / "sources.bib").read_text()
    keys = [c.key for c in bibfile.parse(bib) if c.kind == "entry"]
    assert keys == sorted(keys, key=str.lower)
    assert "  title        = {Report of the {ILO} Committee" in bib
    result = run("fmt")
    assert "all files are in canonical layout" in result.output
    assert run("build", "briefs/kazakhstan-2020.md").exit_code == 0


def test_source_show_forms_and_citers(example: Path) -> None:
    result = run("source", "show", "grishin-2019")
    assert "first citation: Andrei Grishin, Fergana News Agency" in result.output
    assert "cited again at once: Id. at 7." in result.output
    assert "cited again later: Grishin, supra note 1, at 9." in result.output
    assert "snippets/kazakhstan/unions-denied-registration-600.md:6" in result.output
    usc = run("source", "show", "nope")
    assert usc.exit_code == 1 and "unknown source key 'nope'" in usc.stderr


def test_two_processes_adding_at_once(example: Path) -> None:
    script = textwrap.dedent("""
        import sys
        from pathlib import Path
        from drafting.upkeep import merge_sources
        tag = sys.argv[1]
        for i in range(15):
            merge_sources(Path('.'), "@online{%s-%d,\\n title = {Entry %s %d},\\n"
                          " author = {A}, date = {2020}, url = {https://x.org/%s/%d}\\n}\\n"
                          % (tag, i, tag, i, tag, i))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, tag], cwd=example)
             for tag in ("left", "right")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    entries = bibfile.entries(bibfile.parse((example / "sources.bib").read_text()))
    for tag in ("left", "right"):
        assert all(f"{tag}-{i}" in entries for i in range(15))
    assert not [c for c in bibfile.parse((example / "sources.bib").read_text())
                if c.kind == "failed"]


def test_commands_outside_a_library(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("fact", "list")
    assert result.exit_code == 1 and "not a drafting library" in result.stderr


def test_the_example_library_is_in_canonical_layout() -> None:
    from drafting.upkeep import format_library

    assert format_library(ROOT, check_only=True).changed == []


def test_tables_are_styled_on_a_terminal_and_plain_when_piped(example: Path) -> None:
    plain = CliRunner().invoke(cli, ["source", "list"]).output
    coloured = CliRunner().invoke(cli, ["source", "list"], color=True).output
    assert "\x1b[" not in plain
    assert coloured.startswith("\x1b[1mkey")
