"""`stem-tracker`: the command line, assembled here. Library code raises domain errors;
`run` turns every TrackerError into its plain message and exit code (1 for invalid data or
a busy database, 2 for usage), and anything else into one line, with `--debug` for a
traceback.

`make_app` registers each command module's commands explicitly, in the order `--help`
lists them; `extra` adds others (dashboard/cli.py adds `briefing` and `charts`, since
etl/ never imports dashboard/). Every call builds a new app, so what a `main` offers
never depends on what was imported first."""

from __future__ import annotations

import gc
import inspect
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

import typer

from etl import config
from etl.cli import backup, mail, returns, start, status
from etl.cli.options import Context
from etl.errors import TrackerError

Register = Callable[[typer.Typer], None]


def _global(
    ctx: typer.Context,
    db: Path = typer.Option(
        None, "--db", help="DuckDB file (else $STEM_TRACKER_DB, else data/tracker.duckdb)."
    ),
    commitments: Path = typer.Option(
        None,
        "--commitments",
        help="Strategy file (else $STEM_TRACKER_COMMITMENTS, else commitments.yaml).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show a traceback when something fails."),
) -> None:
    ctx.obj = Context(config.db_path(db), config.commitments_path(commitments), debug)


def make_app(extra: Iterable[Register] = ()) -> typer.Typer:
    """A new app with every command of etl's, then those that each of `extra` registers."""
    app = typer.Typer(
        help="Track Scotland's STEM Education and Training Strategy: commitments, milestones, "
        "indicators and councils' quarterly progress returns.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(_global)
    for register in (
        start.register,
        returns.register,
        backup.register,
        status.register,
        mail.register,
        *extra,
    ):
        register(app)
    for command in app.registered_commands:
        command.short_help = command.short_help or _summary(command.callback)
    return app


def _summary(callback: Callable) -> str:
    """A command's first paragraph as one line, for the list in ``stem-tracker --help``:
    Typer keeps a docstring's line breaks there (not in the command's own help), which cut
    sentences in two at the docstring's wrapping."""
    return " ".join((inspect.getdoc(callback) or "").split("\n\n")[0].split())


def run(app: typer.Typer) -> None:
    """Run the app, turning domain errors into plain messages.

    Typer's standalone mode already prints usage errors (exit 2) and honours
    typer.Exit; everything else that escapes a command is caught here.
    """
    # What the imports built lives until the process ends: spare the garbage collector
    # walking it again, at every later collection and at exit (about 0.05 s a command).
    gc.freeze()
    try:
        app()
    except TrackerError as error:  # said in the user's words: no type name, no traceback
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if "--debug" in sys.argv:
            traceback.print_exc()
        typer.echo(
            f"error: {type(error).__name__}: {error}\n(run again with --debug for details)",
            err=True,
        )
        sys.exit(1)


def main(extra: Iterable[Register] = ()) -> None:
    """Console entry point for etl's commands (and `extra`'s)."""
    run(make_app(extra))
