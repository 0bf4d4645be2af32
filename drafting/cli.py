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


main = cli
