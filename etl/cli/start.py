"""`stem-tracker check`, `init` and `demo`: the strategy file and the database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from etl import store
from etl.cli.options import CliError, strategy_of
from etl.periods import day_text


def check(
    ctx: typer.Context,
    file: Path = typer.Argument(None, help="Strategy file to check (default: --commitments)."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as JSON."),
) -> None:
    """Check commitments.yaml: every problem, with its line. Exit 1 when any."""
    from etl.strategy.errors import StrategyError
    from etl.strategy.load import load_strategy

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
    warnings = review_warnings(strategy, date.today())
    if as_json:
        typer.echo(json.dumps({"valid": True, "problems": [], "warnings": warnings}))
    else:
        typer.echo(
            f"{path}: valid ({len(strategy.commitments)} commitments, "
            f"{len(strategy.milestones)} milestones, {len(strategy.indicators)} indicators)"
        )
        for warning in warnings:
            typer.echo(f"warning: {warning}")


def review_warnings(strategy, today: date) -> list[str]:
    """Each manual status whose review date has passed: it still decides the status, so
    the policy team should confirm it (a new `date` and `review_by`) or remove it."""
    return [
        f"commitment {c.id}: the manual status ({c.override.status.replace('_', ' ')}) set on "
        f"{day_text(c.override.date)} has not been reviewed since; its review was due "
        f"{day_text(c.override.review_by)} (confirm it with a new date and review_by, or "
        "remove it)"
        for c in strategy.commitments
        if c.override is not None and c.override.not_reviewed(today)
    ]


def init(ctx: typer.Context) -> None:
    """Create or upgrade the database and load the strategy and councils. Safe to repeat."""
    result = store.init(ctx.obj.db, strategy_of(ctx.obj))
    applied = result["migrations_applied"]
    typer.echo(
        f"{ctx.obj.db}: schema version {result['version']}"
        + (f" (applied migration {', '.join(map(str, applied))})" if applied else " (up to date)")
        + ("; strategy loaded" if result["strategy_loaded"] else "; strategy unchanged")
    )


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


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(init)
    app.command()(demo)
