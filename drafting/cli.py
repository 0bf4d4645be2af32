"""The command line: the only module that knows click.

Each command calls one library function and turns a :class:`DraftingError` into a
one-line message on stderr and exit status 1 (click uses 2 for usage errors).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from drafting import __version__
from drafting.errors import DraftingError, Location, display_path, shorten
from drafting.progress import report_to


def say(line: str) -> None:
    """One line on stdout, at once (a watch's reader may be another program)."""
    click.echo(line)
    sys.stdout.flush()


def say_err(line: str) -> None:
    """One line on stderr (a watch's own lines, when stdout carries JSON)."""
    click.echo(line, err=True)


#: What ends a line (str.splitlines): inside one problem's message (a value the user
#: wrote, like a style named "text\n") it is shown escaped, so a problem is one line.
LINE_BREAKS = str.maketrans({ch: repr(ch)[1:-1]
                             for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


def report(error: DraftingError) -> None:
    """Print each problem on its own line of stderr ("error" in red on a terminal)."""
    for one in getattr(error, "errors", [error]):
        line = str(one).translate(LINE_BREAKS)
        click.echo(f"{click.style('error', fg='red', bold=True)}: {line}", err=True)


def coloured(problem: Any) -> str:
    """A check problem's line, its severity in colour on a terminal (plain when piped:
    click drops the colour)."""
    colour = "red" if problem.severity == "error" else "yellow"
    word = click.style(problem.severity, fg=colour, bold=True)
    return str(problem).replace(f": {problem.severity}: ", f": {word}: ", 1)


class Group(click.Group):
    """A click group that reports input problems as one-line errors, exit status 1,
    and lists its commands with their whole first sentence."""

    group_class = type  # subgroups (fact, source, template) list theirs so too

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=300)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        bar = TerminalProgress() if sys.stderr.isatty() else None
        report_to(bar)
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except DraftingError as err:
            report(err)
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OSError as err:
            where = f"{err.filename}: " if err.filename else ""
            click.echo(f"error: {where}{err.strerror or err}", err=True)
        except Exception as err:  # last resort: users never see a traceback
            if os.environ.get("DRAFTING_DEBUG"):
                raise
            click.echo(
                f"error: unexpected {type(err).__name__}: {err} (run with "
                "DRAFTING_DEBUG=1 for details, and please report it)",
                err=True,
            )
        finally:
            report_to(None)
            if bar is not None:
                bar.close()
        ctx.exit(1)


class TerminalProgress:
    """A progress bar on stderr (rich's) for work that has run over a second; it goes
    away when the work is done. Installed only when stderr is a terminal."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        try:  # DRAFTING_PROGRESS_AFTER=0 shows it at once
            self.delay = float(os.environ.get("DRAFTING_PROGRESS_AFTER", "1"))
        except ValueError:
            self.delay = 1.0
        self.bar: Any = None
        self.tasks: dict[str, Any] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < self.delay or done >= total:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), console=Console(stderr=True),
                                transient=True)
            self.bar.start()
        if label not in self.tasks:
            self.tasks[label] = self.bar.add_task(label, total=total)
        self.bar.update(self.tasks[label], completed=done, total=total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@click.group(cls=Group)
@click.version_option(__version__, prog_name="drafting")
def cli() -> None:
    """Build sourced hearing briefs from a shared fact library."""


@cli.command()
@click.argument("briefs", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the .docx (default: build/NAME.docx in the library).")
@click.option("--style", help="Citation style: 'bluebook', 'house', 'ibid', or a style "
              ".yaml file (default: the brief's style:, else house).")
@click.option("--pdf", is_flag=True, help="Also write a PDF beside the .docx (LibreOffice).")
@click.option("--no-cache", is_flag=True,
              help="Parse everything again (ignore .drafting-cache/).")
@click.option("--changes", is_flag=True,
              help="List the footnotes whose text or number changed since the last build.")
@click.option("--watch", is_flag=True, help="Stay running and build again whenever a fact, "
              "brief, source, style, template or drafting.yaml changes (Ctrl-C to stop).")
def build(briefs: tuple[Path, ...], output: Path | None, style: str | None, pdf: bool,
          no_cache: bool, changes: bool, watch: bool) -> None:
    """Build BRIEFS (briefs/NAME.md files) into Word documents with real footnotes.

    Every brief is checked in full before anything is written; a brief with a
    problem writes nothing and leaves an earlier build of it untouched. With --pdf,
    LibreOffice also writes NAME.pdf beside each .docx. With --watch, one line per
    build says when, how long and what changed; a failed build keeps the last good
    file and the next save builds again; Ctrl-C stops it (exit status 130).
    """
    if output and len(briefs) > 1:
        raise click.UsageError("-o/--output goes with a single brief")
    no_caching(no_cache)
    if watch:
        from drafting.watch import BuildOptions, watch_builds

        options = BuildOptions(style, use_cache=not no_cache, compare=changes, pdf=pdf)
        raise click.exceptions.Exit(watch_builds(list(briefs), output, options, say, report))
    from drafting.inputs import find_root
    from drafting.uptodate import built_or_kept

    failed = False
    for brief in briefs:
        try:
            recovered(find_root(brief.parent))
            result = built_or_kept(brief, output, style, use_cache=not no_cache,
                                   compare=changes)
        except DraftingError as err:
            report(err)
            failed = True
            continue
        done = "up to date:" if getattr(result, "up_to_date", False) else "wrote"
        click.echo(f"{done} {display_path(result.output)} "
                   f"({counted(result.footnotes, 'footnote')}, "
                   f"{counted(len(result.facts), 'fact')})")
        if changes:
            if result.changes is None:
                click.echo("  no earlier build to compare with")
            elif not result.changes:
                click.echo("  no footnote changed since the last build")
            for line in result.changes or []:
                click.echo(f"  {line}")
        if pdf:
            from drafting.pdf import to_pdf

            try:
                click.echo(f"wrote {display_path(to_pdf(result.output))}")
            except DraftingError as err:
                report(err)
                failed = True
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]),
              default="text", show_default=True, help="Output for people, scripts or CI.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Judge staleness as of this date (default: check.today, else today).")
@click.option("--no-cache", is_flag=True, help="Re-read every file (ignore .drafting-cache/).")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules and exit.")
@click.option("--changed", metavar="REF", help="Only what changed since the git commit, "
              "branch or tag REF (and the briefs and facts it touches), as in a pull request.")
@click.option("--watch", is_flag=True,
              help="Stay running and check again whenever the library changes (Ctrl-C to stop).")
def check(paths: tuple[Path, ...], strict: bool, output_format: str, today: object,
          no_cache: bool, list_rules: bool, changed: str | None, watch: bool) -> None:
    """Check the library (or PATHS): every claim has a source, every quote is in it.

    Checks facts, sources.bib, briefs and templates; prints every problem as
    path:line:col: severity: message [rule]. Exits 1 when errors remain (with
    --strict, warnings too), 0 when clean. With --watch, the report is printed again
    after every change; Ctrl-C stops it (exit status 130).
    """
    import json

    from drafting.findings import as_github, as_json, summary
    from drafting.inputs import find_root

    if list_rules and watch:
        raise click.UsageError("--rules lists the rules once; leave out --watch")
    no_caching(no_cache)
    if changed is not None and (not changed.strip() or any(ch < " " for ch in changed)):
        raise click.UsageError("--changed needs a git commit, branch or tag such as "
                               "origin/main (one line, not empty)")
    if list_rules:
        from drafting.check import RULES

        for rule in RULES.values():
            click.echo(f"{rule.id:20} {rule.severity:8} {rule.summary}")
        return
    root = find_root(paths[0] if paths and paths[0].is_dir() else
                     (paths[0].parent if paths else Path.cwd()))
    if not (root / "snippets").is_dir() and not (root / "sources.bib").is_file():
        raise DraftingError(f"{display_path(root)} is not a drafting library (it has no "
                            "snippets/ folder or sources.bib); run check inside one")
    recovered(root)
    from drafting.verdict import checked

    on = today.date() if today is not None else None

    def check_once() -> list:
        files = None
        if changed:
            from drafting.changed import changed_files

            files = changed_files(root, changed)
            if not paths and not files:
                click.echo(f"no file changed since {changed}")
                return []
        problems = checked(root, paths, on, use_cache=not no_cache, changed=changed,
                           files=files)
        if output_format == "json":
            click.echo(json.dumps(as_json(problems), indent=2, ensure_ascii=False))
        else:
            for problem in problems:
                click.echo(as_github(problem) if output_format == "github"
                           else coloured(problem))
            if output_format == "text" and not watch:
                click.echo(summary(problems))
        return problems

    if watch:
        from drafting.config import load_config
        from drafting.watch import watch_check

        def rerun() -> str:
            return summary(check_once())

        load_config(root)  # a broken drafting.yaml stops a watch before it starts
        status = watch_check(root, rerun, say if output_format == "text" else say_err, report)
        raise click.exceptions.Exit(status)
    problems = check_once()
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise click.exceptions.Exit(1)


def no_caching(no_cache: bool) -> None:
    """With ``--no-cache``, no cache is read or written until the command ends."""
    if no_cache:
        from drafting.cache import caching

        click.get_current_context().with_resource(caching(False))


# ------------------------------------------------------------------ output helpers

STYLE = click.option("--style", default=None,
                     help="Citation style (default: drafting.yaml's check: style:, else house).")
FORMAT = click.option("--format", "output_format", type=click.Choice(["table", "json"]),
                      default="table", show_default=True,
                      help="Aligned table for people, or JSON for scripts.")


def library_root() -> Path:
    """The library the command works on: the folder above the working one with one."""
    from drafting.inputs import find_root

    root = find_root(Path.cwd())
    if not (root / "snippets").is_dir() and not (root / "sources.bib").is_file():
        raise DraftingError("this is not a drafting library (no snippets/ folder or "
                            "sources.bib here or above); run `drafting init DIR` to start one")
    return recovered(root)


def recovered(root: Path) -> Path:
    """``root``, after finishing or undoing a change an interrupted command left there."""
    from drafting.store import recover

    recover(root)
    return root


def table(headers: list[str], rows: list[list[str]], widths: dict[int, int] | None = None) -> None:
    """An aligned table; the header is bold on a terminal, and the widest columns are
    cut so that a line fits the terminal's width (plain and whole width when piped)."""
    limits = dict(widths or {})
    cells = [[clip(str(c), limits.get(i)) for i, c in enumerate(row)] for row in rows]
    sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if sys.stdout.isatty():
        room = shutil.get_terminal_size().columns - 2 * (len(headers) - 1)
        while sum(sizes) > room and max(sizes) > 12:
            widest = sizes.index(max(sizes))
            sizes[widest] = max(12, sizes[widest] - (sum(sizes) - room))
            cells = [[clip(c, sizes[i]) if i == widest else c for i, c in enumerate(row)]
                     for row in cells]
    line = "  ".join(clip(h, sizes[i]).ljust(sizes[i]) for i, h in enumerate(headers)).rstrip()
    click.echo(click.style(line, bold=True))
    for row in cells:
        click.echo("  ".join(c.ljust(sizes[i]) for i, c in enumerate(row)).rstrip())


def listing(rows: list, output_format: str, noun: str, headers: list[str],
            cells: Callable[[Any], list[str]], widths: dict[int, int]) -> None:
    """Rows (dataclasses) as JSON, or as a table with a count under it."""
    import dataclasses

    if output_format == "json":
        emit_json([dataclasses.asdict(r) for r in rows])
        return
    table(headers, [cells(r) for r in rows], widths)
    click.echo(f"{len(rows)} {noun}{'s' * (len(rows) != 1)}")


def plain(parts: Iterable[Any]) -> str:
    """The text of formatted inlines, without their formatting."""
    from drafting.model import plain_text

    return plain_text(parts)


def counted(number: int, noun: str) -> str:
    """``1 footnote``, ``2 footnotes``."""
    return f"{number} {noun}{'s' * (number != 1)}"


def clip(text: str, size: int | None) -> str:
    return shorten(text, size)


def emit_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def styled(parts: list) -> str:
    """Inline text for the terminal: italic and bold shown with ANSI (dropped when piped)."""
    from drafting.model import HeadingRef, LineBreak, NoteMark, NoteRef, SoftBreak, Span

    out = []
    for part in parts:
        if isinstance(part, (NoteRef, HeadingRef)):
            out.append(part.text)
        elif isinstance(part, Span):
            out.append(click.style(part.text, italic=part.italic or None, bold=part.bold or None))
        elif isinstance(part, (SoftBreak, LineBreak)):
            out.append(" ")
        elif isinstance(part, NoteMark):
            out.append("[NOTE]")
    return "".join(out)


# ------------------------------------------------------------------ init, fmt

@cli.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--style", "style_name", default="bluebook", show_default=True,
              type=click.Choice(["bluebook", "house", "ibid"]),
              help="The citation style of the new library's briefs.")
def init(folder: Path, style_name: str) -> None:
    """Start a new library in FOLDER: templates, sources.bib, an example fact and brief
    that build and check clean, citing in the Bluebook style unless --style says."""
    from drafting.upkeep import init_library

    written = init_library(folder, style=style_name)
    click.echo(f"created {display_path(folder)} ({counted(len(written), 'file')}); next:")
    here = folder.resolve() == Path.cwd().resolve()
    click.echo(f"  {'' if here else f'cd {display_path(folder)} && '}drafting check && "
               "drafting build briefs/example.md")


@cli.command()
@click.option("--check", "check_only", is_flag=True,
              help="Only list the files that are not in canonical layout (exit 1 if any).")
@click.option("--no-sort", is_flag=True, help="Keep the order of entries in sources.bib.")
def fmt(check_only: bool, no_sort: bool) -> None:
    """Rewrite facts, briefs and sources.bib in one canonical, merge-friendly layout.

    Front matter: known keys first, comments kept. sources.bib: one field per line in a
    fixed order, entries sorted by key, comments kept; a sources.bib with a block the
    parser cannot read is refused (nothing is rewritten) until it is fixed.
    """
    from drafting.upkeep import format_library

    result = format_library(library_root(), check_only, sort_entries=not no_sort)
    verb = "would reformat" if check_only else "reformatted"
    for path in result.changed:
        click.echo(f"{verb} {display_path(path)}")
    click.echo(f"{len(result.changed)} file{'s' * (len(result.changed) != 1)} {verb}"
               if result.changed else "all files are in canonical layout")
    if check_only and result.changed:
        raise click.exceptions.Exit(1)


# ------------------------------------------------------------------ import

@cli.command("import")
@click.argument("docx", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--write", is_flag=True,
              help="Write the brief, facts and new sources (default: only show them).")
@click.option("--name", help="The brief's name (default: from the file's name).")
@click.option("--template", help="The template the brief names (default: the first in "
              "templates/).")
@click.option("--style", default=None, help="The style the footnotes were written in "
              "(default: the library's).")
@FORMAT
def import_(docx: Path, write: bool, name: str | None, template: str | None,
            style: str | None, output_format: str) -> None:
    """Turn a Word filing into a brief, facts and sources, its footnotes into citations.

    A dry run unless --write: shows the facts, the sources matched in sources.bib, the
    new ones (flagged `review` when the style cannot print them back word for word), and
    the footnotes that would not rebuild exactly. Never overwrites: a taken name gets a
    suffix, and the import is written all at once or not at all."""
    from drafting.importer import import_filing, summary_rows

    plan = import_filing(library_root(), docx, write, style, name, template)
    if output_format == "json":
        emit_json(import_json(plan))
        return
    table(["what", "name", "how"], summary_rows(plan), {1: 60})
    exact = plan.notes - len(plan.differing)
    click.echo(f"{plan.notes} footnotes: {exact} rebuild exactly as in Word"
               + (f", {len(plan.differing)} differ" if plan.differing else ""))
    for number, word, ours in plan.differing:
        click.echo(f"  note {number}: Word:    {clip(word, 100)}")
        click.echo(f"  {' ' * len(str(number))}       rebuilt: {clip(ours, 100)}")
    for line in plan.problems + plan.renamed:
        click.echo(f"note: {line}")
    review = [a for a in plan.new_sources if a.review]
    if review:
        click.echo(f"{len(review)} new source{'s' * (len(review) != 1)} to review (a "
                   "`review` field; drafting check lists them): "
                   + ", ".join(a.key for a in review))
    if plan.to_fill:
        click.echo(f"front matter to fill in: {', '.join(plan.to_fill)}")
    if plan.left_out:
        click.echo(f"left out {len(plan.left_out)} caption line"
                   f"{'s' * (len(plan.left_out) != 1)} before the first heading: "
                   + clip(" | ".join(plan.left_out), 120))
    click.echo(f"wrote {display_path(plan.brief)}, {len(plan.facts)} facts and "
               f"{len(plan.new_sources)} new sources" if write else
               "dry run: nothing written; run again with --write to write it")


def import_json(plan: Any) -> dict[str, Any]:
    return {"brief": display_path(plan.brief), "template": plan.template,
            "facts": [display_path(p) for p in plan.facts],
            "sources": [{"key": a.key, "new": bool(a.entry), "how": a.how, "note": a.note,
                         "review": a.review} for a in plan.authorities.values()],
            "footnotes": plan.notes,
            "differing": [{"note": n, "word": w, "rebuilt": r} for n, w, r in plan.differing],
            "problems": plan.problems + plan.renamed, "to_fill": plan.to_fill,
            "left_out": plan.left_out}


@cli.command()
@click.argument("docx", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--write", is_flag=True, help="Apply the edits (default: only show them).")
@click.option("--only", multiple=True, metavar="FACT",
              help="Change only this fact (repeat for several).")
@click.option("--brief", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="The brief the document was built from (default: the brief whose "
              "facts the document holds).")
def pull(docx: Path, write: bool, only: tuple[str, ...], brief: Path | None) -> None:
    """Bring edits made in Word to a built brief back into its facts.

    Shows a diff of the Markdown that would give the edited text (tracked changes
    accepted), the reviewers' comments at their lines, footnotes rewritten in Word (to
    resolve by hand), fact text deleted in Word and new paragraphs no fact owns. With
    --write, applies the edits all at once; a fact other briefs use too is named."""
    from drafting.pull import pull as pull_edits

    plan = pull_edits(library_root(), docx, write, only, brief)
    diff = plan.diff()
    if diff:
        click.echo(diff, nl=False)
    sections = [("comments", plan.comments), ("to resolve by hand", plan.to_resolve),
                ("gone from the document", plan.lost), ("text no fact owns", plan.unowned),
                ("warning", plan.warnings)]
    for title, lines in sections:
        for line in lines:
            click.echo(f"{title}: {line}" if title == "warning" else line)
    count = len(plan.edits)
    files = f"{count} file{'s' * (count != 1)}"
    people = len(plan.to_resolve) + len(plan.lost) + len(plan.unowned)
    if not count:
        click.echo("no text to change" + ("" if plan.brief else
                                          " (give --brief to check the brief's own text)")
                   + (f"; {people} thing{'s' * (people != 1)} above for a person"
                      if people else ""))
    elif write:
        click.echo(f"changed {files}: " + ", ".join(display_path(p) for p in plan.edits))
    else:
        click.echo(f"dry run: {files} would change; run again with --write to apply")


@cli.command("merge-bib")
@click.argument("base", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("ours", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("theirs", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def merge_bib(base: Path, ours: Path, theirs: Path) -> None:
    """Merge sources.bib by entry and field: git's merge driver (BASE OURS THEIRS are
    git's %O %A %B; the result goes to OURS). Exit status 1 if a conflict is left.

    Register it once: git config merge.drafting-bib.driver "drafting merge-bib %O %A %B"
    (drafting init writes the .gitattributes line that uses it)."""
    from drafting.mergebib import merge_files

    conflicts = merge_files(base, ours, theirs)
    for conflict in conflicts:
        click.echo(f"sources.bib: conflict: {conflict}", err=True)
    if conflicts:
        raise click.exceptions.Exit(1)


@cli.group()
def template() -> None:
    """See what each template asks of a brief's front matter."""


@template.command("list")
@FORMAT
def template_list(output_format: str) -> None:
    """The templates in templates/, with how many fields each needs."""
    from drafting.templates import template_fields

    rows = []
    for path in sorted((library_root() / "templates").glob("*.docx")):
        fields = template_fields(path)
        required = [f.name for f in fields if f.required]
        rows.append({"name": path.stem, "required": required,
                     "optional": [f.name for f in fields if not f.required]})
    if output_format == "json":
        emit_json(rows)
        return
    table(["template", "required fields", "optional"],
          [[r["name"], ", ".join(r["required"]), ", ".join(r["optional"])] for r in rows],
          {1: 70, 2: 40})
    click.echo(f"{len(rows)} template{'s' * (len(rows) != 1)}; drafting template show NAME "
               "gives front matter to paste")


@template.command("show")
@click.argument("name")
@FORMAT
def template_show(name: str, output_format: str) -> None:
    """Every field template NAME prints (required or optional, its default), and front
    matter to paste into a new brief."""
    from drafting.library import suggest
    from drafting.templates import example_front_matter, template_fields

    folder = library_root() / "templates"
    path = folder / f"{name.removesuffix('.docx')}.docx"
    if not path.is_file():
        known = [p.stem for p in sorted(folder.glob("*.docx"))]
        raise DraftingError(f"no template '{name}'{suggest(name, known)}; there are: "
                            f"{', '.join(known) or 'none'}")
    fields = template_fields(path)
    if output_format == "json":
        import dataclasses

        emit_json([dataclasses.asdict(f) for f in fields])
        return
    table(["field", "needed", "default"],
          [[f.name + (" (a date)" if f.date else ""), "required" if f.required else "optional",
            f.default] for f in fields], {2: 50})
    click.echo("")
    click.echo("front matter to paste (--- lines around it):")
    click.echo(example_front_matter(path.stem, fields), nl=False)


# ------------------------------------------------------------------ facts

@cli.group()
def fact() -> None:
    """Add, find, show and rename facts."""


@fact.command("new")
@click.argument("fact_id")
@click.option("--title", help="A one-line title (default: the text's first words).")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat for several).")
@click.option("--cite", help="Cite a source at the end: 'KEY' or 'KEY, PIN'.")
@click.option("--text", help="The fact's text (default: standard input, or $EDITOR).")
@click.option("--dir", "folder", default="", help="A folder under snippets/ to put it in.")
def fact_new(fact_id: str, title: str | None, tags: tuple[str, ...], cite: str | None,
             text: str | None, folder: str) -> None:
    """Create snippets/[DIR/]FACT_ID.md with front matter: title (the text's first words),
    tags, and as_of (the cited source's date, else today)."""
    from drafting.upkeep import new_fact

    root = library_root()
    if text is None:
        stdin = sys.stdin
        if stdin.isatty():
            text = click.edit("\n# Write the fact above; lines starting with # are dropped.\n")
            text = "\n".join(line for line in (text or "").splitlines()
                             if not line.startswith("# "))
        else:
            text = stdin.read()
    path = new_fact(root, fact_id, text or "", title, tags, cite, folder)
    click.echo(f"created {display_path(path)}")


@fact.command("list")
@click.option("--tag", help="Only facts with this tag.")
@click.option("--stale", is_flag=True, help="Only stale or superseded facts.")
@click.option("--source", "source_key", help="Only facts that cite this source key.")
@FORMAT
def fact_list(tag: str | None, stale: bool, source_key: str | None, output_format: str) -> None:
    """List facts: id, as_of, tags, sources and title."""

    from drafting.catalog import fact_rows

    rows = fact_rows(library_root(), tag, stale, source_key)
    listing(rows, output_format, "fact",
            ["id", "as_of", "tags", "sources", "title"] + (["stale"] if stale else []),
            lambda r: [r.id, r.as_of, ",".join(r.tags), ",".join(r.sources), r.title]
            + ([r.stale] if stale else []), {2: 24, 3: 30, 4: 60})


@fact.command("show")
@click.argument("fact_id")
@STYLE
@FORMAT
def fact_show(fact_id: str, style: str, output_format: str) -> None:
    """Show a fact with its citations as they would appear as footnotes."""
    from drafting.catalog import show_fact
    from drafting.model import NoteMark

    shown = show_fact(library_root(), fact_id, style)
    notes = [plain(note) for note in shown.notes]
    if output_format == "json":
        paragraphs = [plain(b.inlines) for b in shown.blocks]
        emit_json({"id": shown.id, "title": shown.title, "path": shown.path,
                   "paragraphs": paragraphs, "notes": notes})
        return
    click.echo(click.style(f"{shown.id}: {shown.title}", bold=True) + f"  ({shown.path})")
    number = 0
    for block in shown.blocks:
        parts = []
        for item in block.inlines:
            if isinstance(item, NoteMark):
                number += 1
                parts.append(click.style(f"[{number}]", fg="cyan"))
            else:
                parts.append(styled([item]))
        prefix = "    " if block.kind == "quote" else ""
        click.echo("\n" + prefix + "".join(parts))
    if shown.notes:
        click.echo("\n" + "-" * 20)
    for index, note in enumerate(shown.notes, start=1):
        click.echo(click.style(f"{index}", fg="cyan") + " " + styled(list(note)))


@fact.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, help="How many results at most.")
@FORMAT
def fact_search(words: tuple[str, ...], limit: int, output_format: str) -> None:
    """Search titles, tags and texts of facts; best matches first."""
    import dataclasses

    from drafting.search import search

    hits = search(library_root(), list(words), limit)
    if output_format == "json":
        emit_json([dataclasses.asdict(h) for h in hits])
        return
    if not hits:
        click.echo("no fact matches")
        raise click.exceptions.Exit(1)
    for hit in hits:
        click.echo(click.style(hit.fact_id, bold=True) + f"  {clip(hit.title, 70)}")
        click.echo(f"    {clip(hit.snippet, 110)}")


@fact.command("used-by")
@click.argument("fact_id")
@FORMAT
def fact_used_by(fact_id: str, output_format: str) -> None:
    """Every brief (and line) that uses a fact, and the footnotes its citations became in
    the brief's last build."""
    from drafting.catalog import used_by

    uses(used_by(library_root(), fact_id), output_format, f"no brief uses {fact_id}")


def uses(places: list, output_format: str, nothing: str) -> None:
    """Places (file, line, how, footnotes in the last build) as a table or JSON."""
    import dataclasses

    if output_format == "json":
        emit_json([dataclasses.asdict(p) for p in places])
    elif not places:
        click.echo(nothing)
    else:
        table(["file", "line", "how", "last build"],
              [[p.path, str(p.line), p.how, p.landed] for p in places])


@fact.command("rename")
@click.argument("old")
@click.argument("new")
def fact_rename(old: str, new: str) -> None:
    """Rename a fact and update every brief that uses it, all in one step."""
    from drafting.upkeep import rename_fact

    changed = rename_fact(library_root(), old, new)
    others = [p for p in changed if p.stem not in (old, new)]  # the fact's own file aside
    click.echo(f"renamed {old} to {new}; {counted(len(others), 'other file')} changed"
               + (f": {', '.join(display_path(p) for p in others)}" if 0 < len(others) <= 5
                  else ""))


# ------------------------------------------------------------------ sources

@cli.group()
def source() -> None:
    """Add, import, show and rename sources in sources.bib."""


def merged(result: object) -> None:
    for new, existing, why in result.duplicates:
        click.echo(f"skipped {new}: duplicate of {existing} ({why})")
    for line in result.archived:
        click.echo(f"archived {line}")
    for line in result.notes:
        click.echo(f"note: {line}")
    click.echo(f"added {len(result.added)} source{'s' * (len(result.added) != 1)}"
               + (f": {', '.join(result.added)}" if 0 < len(result.added) <= 5 else ""))


@source.command("add")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False,
                                                        exists=True))
def source_add(file: Path | None) -> None:
    """Add BibTeX entries from FILE or standard input to sources.bib.

    Input that would break sources.bib (an unclosed entry, a field given twice, a
    @string defined twice or undefined, a key given twice) is refused, naming its line."""
    from drafting.inputs import EXPORT_TOO_LARGE, MAX_BIB_BYTES, within
    from drafting.library import decode_text, read_bib_text
    from drafting.upkeep import merge_sources

    if file:
        text = read_bib_text(file, EXPORT_TOO_LARGE)
    else:
        stdin = Path("<stdin>")
        data = within(click.get_binary_stream("stdin").read(MAX_BIB_BYTES + 1),
                      MAX_BIB_BYTES, Location(stdin), EXPORT_TOO_LARGE, "the input")
        text = decode_text(data, stdin)
    result = merge_sources(library_root(), text, file)
    merged(result)
    if result.duplicates and not result.added:
        raise click.exceptions.Exit(1)


@source.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def source_import(file: Path) -> None:
    """Merge a Zotero / Better BibTeX export, reporting duplicates instead of adding them.

    Duplicates are entries with the same key, DOI or URL, or a near-identical title."""
    from drafting.inputs import EXPORT_TOO_LARGE
    from drafting.library import read_bib_text
    from drafting.upkeep import merge_sources

    merged(merge_sources(library_root(), read_bib_text(file, EXPORT_TOO_LARGE), file))


@source.command("sync")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--write", is_flag=True, help="Apply the changes (default: only show them).")
def source_sync(file: Path, write: bool) -> None:
    """Bring sources.bib up to date with a Zotero export (.bib or CSL JSON): new
    entries added, entries with the same key (or DOI, or URL) updated field by field.

    The library's own fields (shorthand, review, toa_category, an archived copy) are
    kept, and so is any field the export lacks. Safe to run on every auto-export."""
    from drafting.inputs import EXPORT_TOO_LARGE
    from drafting.library import read_bib_text
    from drafting.sync import sync_sources

    result = sync_sources(library_root(), read_bib_text(file, EXPORT_TOO_LARGE), file, write)
    for key in result.added:
        click.echo(f"add {key}")
    for key, changes in result.updated.items():
        how = f" (matched {result.matched_by[key]})" if key in result.matched_by else ""
        click.echo(f"update {key}{how}:")
        for name, old, new in changes:
            click.echo(f"  {name}: {old if old is not None else '(none)'} → "
                       f"{new if new is not None else '(none)'}")
    for line in result.archived:
        click.echo(f"archived {line}")
    for line in result.notes:
        click.echo(f"note: {line}")
    count = len(result.added) + len(result.updated)
    summary = (f"{len(result.added)} to add, {len(result.updated)} to update, "
               f"{result.unchanged} unchanged")
    if not count:
        click.echo(f"sources.bib is up to date with {file.name} ({result.unchanged} entries)")
    elif write:
        click.echo(f"synced: {summary.replace('to add', 'added').replace('to update', 'updated')}")
    else:
        click.echo(f"dry run: {summary}; run again with --write to apply")


@source.command("list")
@FORMAT
def source_list(output_format: str) -> None:
    """List sources: key, type, date, how often cited, title."""

    from drafting.catalog import source_rows

    listing(source_rows(library_root()), output_format, "source",
            ["key", "type", "date", "cited", "title"],
            lambda r: [r.key, r.type, r.date, str(r.cited_by), r.title], {4: 70})


@source.command("show")
@click.argument("key")
@STYLE
@FORMAT
def source_show(key: str, style: str, output_format: str) -> None:
    """Show a source: its fields, its full and short forms, and the facts citing it."""
    from drafting.catalog import show_source

    info = show_source(library_root(), key, style)
    forms = {k: plain(v) for k, v in info["forms"].items()}
    if output_format == "json":
        emit_json({**info, "forms": forms})
        return
    click.echo(click.style(f"@{info['type']}{{{key}}}", bold=True) + f"  ({info['where']})")
    for name, value in info["fields"].items():
        click.echo(f"  {name:<12} {value}")
    labels = {"full": "first citation", "id": "cited again at once",
              "later": "cited again later"}
    click.echo("")
    for name, label in labels.items():
        click.echo(click.style(f"{label}:", bold=True) + " " + styled(info["forms"][name]))
    click.echo("")
    cited = info["cited_by"]
    click.echo(click.style(f"cited by {len(cited)}:", bold=True))
    for path, line in cited:
        click.echo(f"  {path}:{line}")


@source.command("used-by")
@click.argument("key")
@FORMAT
def source_used_by(key: str, output_format: str) -> None:
    """Every fact and brief citing KEY, and the footnotes it is in after each brief's last
    build."""
    from drafting.catalog import source_used_by as find

    uses(find(library_root(), key), output_format, f"nothing cites {key}")


@source.command("rename")
@click.argument("old")
@click.argument("new")
def source_rename(old: str, new: str) -> None:
    """Rename a source key in sources.bib and every citation of it, in one step."""
    from drafting.upkeep import rename_source

    changed = rename_source(library_root(), old, new)
    click.echo(f"renamed {old} to {new}; {counted(len(changed), 'file')} changed")


main = cli
