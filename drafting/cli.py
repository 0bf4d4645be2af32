"""The command line: the only module that knows click.

Each command calls one library function and turns a :class:`DraftingError` into a
one-line message on stderr and exit status 1 (click uses 2 for usage errors).
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from drafting import __version__
from drafting.errors import DraftingError, display_path


def report(error: DraftingError) -> None:
    """Print each problem on its own line of stderr."""
    for line in str(error).splitlines():
        click.echo(f"error: {line}", err=True)


class Group(click.Group):
    """A click group that reports input problems as one-line errors, exit status 1."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except DraftingError as err:
            report(err)
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
        ctx.exit(1)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="drafting")
def cli() -> None:
    """Build sourced hearing briefs from a shared fact library."""


@cli.command()
@click.argument("briefs", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Where to write the .docx (default: build/NAME.docx in the library).")
@click.option("--style", help="Citation style: 'house', 'ibid', or a style .yaml file.")
def build(briefs: tuple[Path, ...], output: Path | None, style: str | None) -> None:
    """Build BRIEFS (briefs/NAME.md files) into Word documents with real footnotes.

    Every brief is checked in full before anything is written; a brief with a
    problem writes nothing and leaves an earlier build of it untouched.
    """
    from drafting.build import build as run_build

    if output and len(briefs) > 1:
        raise click.UsageError("-o/--output goes with a single brief")
    failed = False
    for brief in briefs:
        try:
            result = run_build(brief, output, style)
        except DraftingError as err:
            report(err)
            failed = True
            continue
        click.echo(f"wrote {display_path(result.output)} ({result.footnotes} footnotes, "
                   f"{len(result.facts)} facts)")
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
def check(paths: tuple[Path, ...], strict: bool, output_format: str, today: object,
          no_cache: bool, list_rules: bool) -> None:
    """Check the library (or PATHS): every claim has a source, every quote is in it.

    Checks facts, sources.bib, briefs and templates; prints every problem as
    path:line:col: severity: message [rule]. Exits 1 when errors remain (with
    --strict, warnings too), 0 when clean.
    """
    import dataclasses
    import json

    from drafting.check import RULES, as_github, as_json, run_check, summary
    from drafting.config import load_config
    from drafting.library import find_root

    if list_rules:
        for rule in RULES.values():
            click.echo(f"{rule.id:20} {rule.severity:8} {rule.summary}")
        return
    root = find_root(paths[0] if paths and paths[0].is_dir() else
                     (paths[0].parent if paths else Path.cwd()))
    if not (root / "snippets").is_dir() and not (root / "sources.bib").is_file():
        raise DraftingError(f"{display_path(root)} is not a drafting library (it has no "
                            "snippets/ folder or sources.bib); run check inside one")
    config = load_config(root)
    if today is not None:
        config = dataclasses.replace(config, today=today.date())
    problems = run_check(root, paths, config, use_cache=not no_cache)
    if output_format == "json":
        click.echo(json.dumps(as_json(problems), indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(as_github(problem) if output_format == "github" else str(problem))
        if output_format == "text":
            click.echo(summary(problems))
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        raise click.exceptions.Exit(1)


main = cli
