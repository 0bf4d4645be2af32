"""Sources from Zotero and Better BibTeX, and writes that keep ``fmt``'s layout."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from drafting.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)




MONTHS = """\
@report{zotero-2020-jan,
  title = {Report with a month macro},
  author = {{Human Rights Watch}},
  institution = {Human Rights Watch},
  year = {2020},
  month = jan,
  url = {https://www.hrw.org/month-macro},
}
"""


def test_month_macros_are_bibtex_own_strings(example: Path) -> None:
    """``month = jan`` (as Zotero writes it) imports, checks clean of bib-syntax, and
    prints as January."""
    assert run("source", "add", stdin=MONTHS).exit_code == 0
    result = run("check", "--format", "json")
    assert "zotero-2020-jan" not in "".join(
        p["message"] for p in __import__("json").loads(result.output)["problems"]
        if p["rule"] == "bib-syntax")
    shown = run("source", "show", "zotero-2020-jan")
    assert "(January 2020)" in shown.output
    undefined = MONTHS.replace("month = jan", "month = janvier").replace("-jan,", "-x,")
    refused = run("source", "add", stdin=undefined)
    assert refused.exit_code == 1 and "@string 'janvier', which is not defined" in refused.output


def test_writes_keep_fmt_layout(example: Path) -> None:
    """After source add, source import and import of a filing, ``fmt --check`` is clean:
    new entries go where fmt puts them (sorted by key), not at the end."""
    assert run("fmt", "--check").exit_code == 0
    entry = "@misc{aaa-first, title = {Sorted first}, year = {2021}}\n"
    assert run("source", "add", stdin=entry).exit_code == 0
    assert run("fmt", "--check").exit_code == 0, run("fmt", "--check").output
    text = (example / "sources.bib").read_text(encoding="utf-8")
    assert text.index("@misc{aaa-first") < text.index("@online{ceacr-2019-c087")
    assert run("source", "add", stdin=MONTHS).exit_code == 0
    assert run("fmt", "--check").exit_code == 0


def test_a_library_kept_in_its_own_order_stays_so(example: Path) -> None:
    """A sources.bib not in fmt's layout (``fmt --no-sort``, or by hand) is appended
    to, not reordered."""
    bib = example / "sources.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{zzz, title = {Z}, "
                   "year = {2020}}\n", encoding="utf-8")  # by hand: not fmt's layout
    assert run("fmt", "--check").exit_code == 1
    before = bib.read_text(encoding="utf-8")
    assert run("source", "add", stdin="@misc{aaa, title = {A}, year = {2020}}\n").exit_code == 0
    after = bib.read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n")) and after.rstrip().endswith("}")
    assert after.index("@misc{aaa") > after.index("@misc{zzz")


DATA = Path(__file__).resolve().parent / "data" / "zotero"


def zotero_export(tmp_path: Path, name: str) -> Path:
    """A Zotero export as it lies on a user's disk: its storage folder beside it, the
    absolute paths Zotero writes pointing into it."""
    folder = tmp_path / "Zotero"
    shutil.copytree(DATA, folder)
    export = folder / name
    export.write_text(export.read_text(encoding="utf-8").replace("STORAGE",
                                                                  str(folder / "storage")),
                      encoding="utf-8")
    return export


def test_zotero_attachments_become_archived_copies(fresh: Path, tmp_path: Path) -> None:
    """The first readable attachment on disk is copied into sources/archive/ (with its
    SHA-256), so quotes can be checked at once; one not on disk leaves no path behind."""
    import hashlib
    import json

    export = zotero_export(tmp_path, "export-zotero-biblatex.bib")
    result = run("source", "import", export)
    assert result.exit_code == 0, result.output
    key = "humanrightswatchKazakhstanAttackTrade2018"
    copy = fresh / "sources" / "archive" / f"{key}.html"
    assert f"archived {key}: sources/archive/{key}.html" in result.output
    assert copy.read_bytes() == (DATA / "storage" / "K7Q2M9XA" /
                                 "Kazakhstan_Attack_on_Trade_Union_Leader.html").read_bytes()
    # the PDF of the CESCR report is not on disk: the extracted text is archived instead
    cescr = "committeeoneconomicsocialandculturalrightsConcludingObservationsSecond2019"
    assert (fresh / "sources" / "archive" / f"{cescr}.txt").exists()
    assert "note: compaLaborRightsGeneralized2001: attachment /home/colleague" in result.output
    bib = (fresh / "sources.bib").read_text(encoding="utf-8")
    assert f"file         = {{sources/archive/{key}.html}}" in bib
    assert hashlib.sha256(copy.read_bytes()).hexdigest() in bib
    assert "/home/colleague" not in bib and "STORAGE" not in bib
    assert run("fmt", "--check").exit_code == 0
    # a quote from the snapshot is verified against it at once
    (fresh / "snippets" / "senyavskii-quote.md").write_text(
        "---\ntitle: HRW on the attack\ntags: [t]\nas_of: 2018-11-12\n---\nHuman Rights "
        "Watch said that “Kazakh authorities should urgently investigate the attack and "
        f"hold those responsible to account.” [@{key}, 1]\n", encoding="utf-8")
    problems = json.loads(run("check", "--format", "json").output)["problems"]
    mine = [p for p in problems if "senyavskii-quote" in p["path"]]
    assert not [p for p in mine if p["rule"].startswith("quote-")], mine
    # a copy changed afterwards is caught
    copy.write_bytes(copy.read_bytes().replace(b"urgently", b"promptly"))
    problems = json.loads(run("check", "--format", "json").output)["problems"]
    assert any(p["rule"] == "archive-changed" and key in p["message"] for p in problems)


def test_zotero_bibtex_export_with_month_macros(fresh: Path, tmp_path: Path) -> None:
    export = zotero_export(tmp_path, "export-zotero-bibtex.bib")
    result = run("source", "import", export)
    assert result.exit_code == 0, result.output
    shown = run("source", "show", "international_trade_union_confederation_ituc_2019")
    assert "(June 2019)" in shown.output
    assert run("fmt", "--check").exit_code == 0


def test_csl_json_from_zotero(fresh: Path) -> None:
    """Zotero's CSL JSON: types and fields mapped to the BibLaTeX the styles read, dates
    from date-parts (ranges too), names with particles and suffixes, institutions
    whole; the entries print in the Bluebook as the .bib export's would."""
    result = run("source", "import", DATA / "export-zotero.json")
    assert result.exit_code == 0, result.output
    assert "added 6 sources" in result.output
    from drafting.library import load_sources

    sources = load_sources(fresh / "sources.bib")
    hrw = sources["hrw-2018-kazakhstan"]  # Zotero's item URI is no key: one is made
    assert (hrw.type, hrw.fields["date"], hrw.fields["urldate"]) == \
        ("online", "2018-11-12", "2019-12-10")
    assert hrw.fields["author"] == "{Human Rights Watch}"
    compa = sources["compaLaborRightsGeneralized2001"]  # Better BibTeX's key is kept
    assert (compa.type, compa.fields["pages"], compa.fields["journaltitle"]) == \
        ("article", "199–238", "Comparative Labor Law & Policy Journal")  # -- read as –
    assert sources["brown-1954"].type == "jurisdiction"
    assert sources["brown-1954"].fields["reporter"] == "U.S."
    assert sources["rosenthal-1992-white"].fields["entrysubtype"] == "newspaper"
    berg = sources["berg-2023-freedom"]
    assert berg.fields["author"] == "van der Berg, Jan and Marshall, Jr., John"
    assert berg.fields["eventdate"] == "2023-06-25/2023-06-27"
    shown = run("source", "show", "compaLaborRightsGeneralized2001", "--style", "bluebook")
    assert "Lance Compa & Jeffrey S. Vogt, Labor Rights in the Generalized System of " \
        "Preferences: A 20-Year Review, 22 Comp. Lab. L. & Pol’y J. 199, 5 (2001)" in shown.output
    assert run("fmt", "--check").exit_code == 0


def test_json_that_is_not_csl_is_refused(fresh: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('[{"type": "book",\n "title": }]', encoding="utf-8")
    result = run("source", "import", bad)
    assert result.exit_code == 1 and "bad.json:2: not valid JSON" in result.output
    before = (fresh / "sources.bib").read_bytes()
    untitled = tmp_path / "untitled.json"
    untitled.write_text('[{"id": "x", "type": "book"}]', encoding="utf-8")
    result = run("source", "import", untitled)
    assert result.exit_code == 1 and "has no title" in result.output
    assert (fresh / "sources.bib").read_bytes() == before


def test_sync_updates_entries_and_keeps_the_librarys_own(fresh: Path, tmp_path: Path) -> None:
    """An updated export: changed fields come in (shown per field first), new entries
    are added, the library's own fields (shorthand, review, the archived copy) and
    fields the export lacks are kept; a second sync changes nothing; fmt stays clean."""
    from drafting.library import load_sources

    export = zotero_export(tmp_path, "export-zotero-biblatex.bib")
    assert run("source", "import", export).exit_code == 0
    key = "humanrightswatchKazakhstanAttackTrade2018"
    bib = fresh / "sources.bib"
    text = bib.read_text(encoding="utf-8")  # the library adds its own fields
    text = text.replace(f"@online{{{key},\n", f"@online{{{key},\n  shorthand    = {{HRW "
                        "Attack},\n  note         = {Added in the library},\n")
    bib.write_text(text, encoding="utf-8")
    assert run("fmt").exit_code == 0
    archived = load_sources(bib)[key].fields["file"]

    updated = export.read_text(encoding="utf-8")
    updated = updated.replace("title = {Kazakhstan: {{Attack}} on {{Trade Union Leader}}}",
                              "title = {Kazakhstan: {{Attack}} on a {{Trade Union Leader}}}")
    updated = updated.replace("urldate = {2019-12-10},\n", "")  # gone from the export
    updated += ("\n@book{doeNewBook2020,\n\ttitle = {A New Book},\n\tauthor = {Doe, Jane},"
                "\n\tdate = {2020},\n\tpublisher = {ILO}\n}\n")
    export.write_text(updated, encoding="utf-8")
    before = bib.read_bytes()

    dry = run("source", "sync", export)
    assert dry.exit_code == 0, dry.output
    assert f"update {key}:" in dry.output
    assert "title: {Kazakhstan: {{Attack}} on {{Trade Union Leader}}} → " \
        "{Kazakhstan: {{Attack}} on a {{Trade Union Leader}}}" in dry.output
    assert "add doeNewBook2020" in dry.output
    assert "dry run: 1 to add, 1 to update, 2 unchanged" in dry.output
    assert bib.read_bytes() == before

    assert run("source", "sync", export, "--write").exit_code == 0
    fields = load_sources(bib)[key].fields
    assert fields["title"] == "Kazakhstan: Attack on a Trade Union Leader"
    assert fields["shorthand"] == "HRW Attack" and fields["note"] == "Added in the library"
    assert fields["file"] == archived and fields["urldate"] == "2019-12-10"  # none lost
    assert "doeNewBook2020" in load_sources(bib)
    assert run("fmt", "--check").exit_code == 0
    again = run("source", "sync", export)
    assert "sources.bib is up to date" in again.output


def test_sync_matches_by_url_and_keeps_the_librarys_key(example: Path, tmp_path: Path) -> None:
    """The example library cites hrw-2018-attack; Zotero calls it otherwise. The sync
    updates the entry under the library's key, so no citation breaks."""
    export = zotero_export(tmp_path, "export-zotero-biblatex.bib")
    result = run("source", "sync", export, "--write")
    assert result.exit_code == 0, result.output
    assert "update hrw-2018-attack (matched humanrightswatchKazakhstanAttackTrade2018, the " \
        "same URL):" in result.output
    text = (example / "sources.bib").read_text(encoding="utf-8")
    assert "humanrightswatchKazakhstanAttackTrade2018" not in text
    assert run("build", "briefs/kazakhstan-2020.md", "-o",
               str(tmp_path / "out.docx")).exit_code == 0


def test_sync_keeps_crlf_and_refuses_a_broken_export(fresh: Path, tmp_path: Path) -> None:
    bib = fresh / "sources.bib"
    bib.write_bytes(bib.read_bytes().replace(b"\n", b"\r\n"))
    export = tmp_path / "new.bib"
    export.write_text("@misc{m1, title = {One}, date = {2020}}\n", encoding="utf-8")
    assert run("source", "sync", export, "--write").exit_code == 0
    data = bib.read_bytes()
    assert b"m1" in data and data.count(b"\r\n") == data.count(b"\n")
    export.write_text("@misc{m2, title = {Two}\n", encoding="utf-8")
    before = bib.read_bytes()
    result = run("source", "sync", export, "--write")
    assert result.exit_code == 1 and "new.bib:1:" in result.output
    assert bib.read_bytes() == before


def test_fmt_stays_clean_after_every_writing_command(example: Path) -> None:
    """Renaming a source to a key that sorts elsewhere, adding and renaming facts: the
    library stays in fmt's layout after each."""
    steps = [("source", "rename", "hrw-2018-attack", "aaa-attack"),
             ("fact", "new", "zz-new", "--cite", "aaa-attack, 2", "--tag", "x", "--text",
              "A claim made in 2018."),
             ("fact", "rename", "zz-new", "aa-new"),
             ("source", "add")]
    for step in steps:
        stdin = "@misc{0-first, title = {First}, year = {2020}}\n" if step[-1] == "add" else None
        result = CliRunner().invoke(cli, list(step), input=stdin)
        assert result.exit_code == 0, (step, result.output)
        check = run("fmt", "--check")
        assert check.exit_code == 0, (step, check.output)
