"""`stem-tracker`: the command line. Library code raises domain errors; this module
turns them into a plain message and an exit code (1 for invalid data or a busy
database, 2 for usage), with `--debug` for a traceback."""

from __future__ import annotations

import gc
import json
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import typer

from etl import config, store
from etl.periods import AsAtOutOfRange

app = typer.Typer(
    help="Track Scotland's STEM Education and Training Strategy: commitments, milestones, "
    "indicators and councils' quarterly progress returns.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@dataclass
class Context:
    db: Path
    commitments: Path
    debug: bool


class CliError(Exception):
    """A message for the user and the exit code that goes with it."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@app.callback()
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


def strategy_of(ctx: Context):
    from etl.strategy import StrategyError, load_strategy  # pydantic: only when needed

    try:
        return load_strategy(ctx.commitments)
    except StrategyError as error:
        raise CliError(f"{ctx.commitments} is not valid:\n{error}") from None


@app.command()
def check(
    ctx: typer.Context,
    file: Path = typer.Argument(None, help="Strategy file to check (default: --commitments)."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check commitments.yaml: every problem, with its line. Exit 1 when any."""
    from etl.strategy import StrategyError, load_strategy

    path = file or ctx.obj.commitments
    try:
        strategy = load_strategy(path)
    except StrategyError as error:
        if as_json:
            typer.echo(json.dumps({"valid": False, "problems": [vars(p) for p in error.problems]}))
        else:
            for problem in error.problems:
                typer.echo(str(problem))
            typer.echo(f"{len(error.problems)} problem(s) found in {path}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps({"valid": True, "problems": []}))
    else:
        typer.echo(
            f"{path}: valid ({len(strategy.commitments)} commitments, "
            f"{len(strategy.milestones)} milestones, {len(strategy.indicators)} indicators)"
        )


@app.command()
def init(ctx: typer.Context) -> None:
    """Create or upgrade the database and load the strategy and councils. Safe to repeat."""
    result = store.init(ctx.obj.db, strategy_of(ctx.obj))
    applied = result["migrations_applied"]
    typer.echo(
        f"{ctx.obj.db}: schema version {result['version']}"
        + (f" (applied migration {', '.join(map(str, applied))})" if applied else " (up to date)")
        + ("; strategy loaded" if result["strategy_loaded"] else "; strategy unchanged")
    )


@app.command()
def demo(
    ctx: typer.Context,
    seed: int = typer.Option(2017, help="Random seed: the same seed gives the same figures."),
) -> None:
    """Fill the database with deterministic demo returns (clearly marked as demo data)."""
    from etl import demo as demo_data

    strategy = strategy_of(ctx.obj)
    store.init(ctx.obj.db, strategy)
    try:
        summary = demo_data.load_demo(ctx.obj.db, strategy, seed=seed)
    except demo_data.DemoRefused as error:
        raise CliError(str(error)) from None
    typer.echo(
        f"{ctx.obj.db}: demo data loaded ({summary['submissions']} submissions, "
        f"{summary['rows']} figures, {summary['first_period']} to {summary['last_period']}). "
        "These figures are invented for demonstration."
    )


def main() -> None:
    """Console entry point: run the app, turning domain errors into plain messages.

    Typer's standalone mode already prints usage errors (exit 2) and honours
    typer.Exit; everything else that escapes a command is caught here.
    """
    # What the imports built lives until the process ends: spare the garbage collector
    # walking it again, at every later collection and at exit (about 0.05 s a command).
    gc.freeze()
    try:
        app()
    except CliError as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(error.code)
    except (store.StoreBusy, store.StoreNotReady, AsAtOutOfRange) as error:
        typer.echo(f"error: {error}", err=True)
        sys.exit(1)
    except Exception as error:  # the last line of defence: no traceback reaches a user
        if "--debug" in sys.argv:
            traceback.print_exc()
        typer.echo(
            f"error: {type(error).__name__}: {error}\n(run again with --debug for details)",
            err=True,
        )
        sys.exit(1)


import etl.cli_returns  # noqa: E402,F401
from etl import cli_backup, cli_mail, cli_status  # noqa: E402,F401
